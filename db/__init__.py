"""The SQL store: models, engine, unit of work, queries, migrations and demo data.
Pages reach the store only through this package; SQLAlchemy stays behind it."""
