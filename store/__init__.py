"""What Relais remembers: SQLAlchemy models, queries per feature, migrations."""
