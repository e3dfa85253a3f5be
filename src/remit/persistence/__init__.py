"""Storage: SQLAlchemy tables, repositories that speak domain types, migrations.

Nothing outside this package sees a row object; everything crosses the
boundary as the frozen types of :mod:`remit.core.record`.
"""

from remit.persistence import accounts as accounts
