"""The write path's agents: the meta memory manager and the generic specialist manager.

``graph.build_write_graph`` wires them; this package holds the nodes and the
machinery they share (tool schemas from the records, the LLM tool loop with
retries, reconciliation with stored memories, usage counting).
"""

from mirix_py._managers.apply import Applier, Plan
from mirix_py._managers.meta import MetaManager, manager_node
from mirix_py._managers.specialist import SpecialistManager
from mirix_py._managers.state import ManagerInput, WriteInput, WriteOutput, WriteState
from mirix_py._managers.usage import UsageCounter
from mirix_py._managers.vectors import VectorCache

__all__ = [
    "Applier",
    "ManagerInput",
    "MetaManager",
    "Plan",
    "SpecialistManager",
    "UsageCounter",
    "VectorCache",
    "WriteInput",
    "WriteOutput",
    "WriteState",
    "manager_node",
]
