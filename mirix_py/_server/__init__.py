"""Serving mirix-py: the REST API and memory browser (``mirix-py serve``), the MCP
server (``mirix-py mcp``) and the LangGraph server entry points (``langgraph.json``).

Needs the ``serve`` extra (``pip install "mirix-py[serve]"``). The pieces:

- :mod:`mirix_py._server.app` — :func:`~mirix_py._server.app.create_app` (FastAPI) and
  :func:`~mirix_py._server.app.serve` (uvicorn);
- :mod:`mirix_py._server.auth` — API keys bound to users or a tenant prefix;
- :mod:`mirix_py._server.ui` — the memory browser at ``/ui`` (its sessions in
  :mod:`~mirix_py._server.ui_sessions`, what its pages list in
  :mod:`~mirix_py._server.ui_listing`, date labels in :mod:`~mirix_py._server.ui_text`);
- :mod:`mirix_py._server.mcp_server` — the MCP tools over stdio and streamable HTTP;
- :mod:`mirix_py._server.langgraph_entry` — graph factories for ``langgraph dev``.

Nothing here is imported by ``import mirix_py``.
"""
