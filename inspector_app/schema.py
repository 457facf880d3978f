"""Every table of the application, gathered for Alembic and the model/migration test."""

from reference_library import db as _library_tables  # noqa: F401  (registers the tables)
from reference_library import model_registry as _model_tables  # noqa: F401
from reference_library import signatures as _signature_tables  # noqa: F401
from reference_library.db import Base
from reports import cases as _case_tables  # noqa: F401
from reports import ledger as _ledger_tables  # noqa: F401
from reports import serials as _serial_tables  # noqa: F401
from reports import users as _user_tables  # noqa: F401

metadata = Base.metadata
