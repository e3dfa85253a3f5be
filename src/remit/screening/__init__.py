"""Population-scale screening: criteria definitions compiled to ibis and run
on DuckDB (default), PostgreSQL or Spark over an EHR extract."""
