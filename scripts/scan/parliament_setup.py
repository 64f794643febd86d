"""parliament, imported once and set up as its own command sets it up.

parliament 1.6.4 finds its data files through pkg_resources, which warns on import that it is
deprecated (requirements-scan.txt pins setuptools, which provides it, below the version that
drops it). The community auditors (PRIVILEGE_ESCALATION, CREDENTIALS_EXPOSURE...) keep their
codes' severities in a file of their own, which the parliament command loads the same way.
"""

import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import parliament

parliament.override_config(
    str(Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml")
)

__all__ = ["parliament"]
