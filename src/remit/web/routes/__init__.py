"""The routes, one module per area; each endpoint declares its access rule (:mod:`remit.web.access`)."""
