"""Tables, tests, survival and figures of a cohort study, and the research report.

Estimator style (lifelines, tableone): configure, ``fit`` on a tidy frame, read
``summary`` (and ``notes_``/``caveats_``, which name the test behind every
p-value and the small-sample caveats), ``plot(ax=None) -> ax``. The frames come
from :mod:`remit.stats.dataset`, which arranges what :mod:`remit.outcomes`
derived; :func:`remit.stats.report.build_report` puts everything together from
patient records, and :func:`remit.stats.report.write_report` writes the files.

The modules are imported one by one (``from remit.stats.retention import
DrugRetention``): tableone, lifelines and matplotlib load only when they are used.
"""
