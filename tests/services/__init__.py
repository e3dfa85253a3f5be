"""Use-case services: transactions, versions, audit."""
