"""The shapes of the codes people and programs send: regions, agencies, categories."""

import re

# Kemendagri: a province (32), regency or city (32.04), district (32.04.05) or village
# (32.04.05.2001).
REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
# Routing's directory: pemprov-32, pemkab-3204, pemkab-3204.dinkes, kemensos.
AGENCY_CODE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,99}$")
# Routing's taxonomy, <group>.<category>: infrastruktur.jalan, sosial.penyaluran-bansos.
CATEGORY_CODE = re.compile(r"^[a-z0-9-]{1,50}\.[a-z0-9-]{1,50}$")
