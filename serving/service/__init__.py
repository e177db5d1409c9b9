"""The service's logic per resource, free of FastAPI so that the API, the commands and the tests share it:
small keyword-only functions, each given the database session by its caller (a request's session in the
API), and the only way routers and commands reach the service's tables.

`uploads` (parse, store and queue), `contracts`, `jobs`, `reviews`, `templates`, `comparisons` (and their
downloads), `terms` (key terms, portfolio, calendar); `scope` holds the tenant-scoped lookups every one of
them goes through: each function takes the caller's tenant, and another tenant's id is simply not found."""
