"""``python deploy/local/mailbox``: the local mailbox (see README.md).

Run by its path, Python puts this folder on sys.path; the modules beside this one are the
package ``deploy.local.mailbox`` (as tests import them), so the repository root replaces it.
"""

import sys
from pathlib import Path


def run() -> None:
    sys.path[0] = str(Path(__file__).resolve().parents[3])
    from deploy.local.mailbox.server import main  # noqa: PLC0415 - needs the root on sys.path

    main()


if __name__ == "__main__":
    run()
