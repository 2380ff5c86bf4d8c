"""Values taken from the specification's text that the schemas do not carry.

Each is quoted from the chapter named; the code tables the schemas do carry (`enum`) are read
from the schemas instead.
"""

# spec/09-code-tables.md, table `province` (GB/T 2260)
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82".split()
)

# spec/12-place.md [PLA-003]: rank of the hierarchical place kinds (facility, poi: none)
PLACE_RANK = {
    "province": 1, "city": 2, "district": 3, "sub-district": 4, "community": 5, "grid": 6,
    "compound": 7, "building": 8, "unit": 9, "floor": 10, "room": 11,
}

# spec/15-case.md [CAS-006]: the twelve allowed transitions
CASE_TRANSITIONS = frozenset({
    ("reported", "accepted"), ("reported", "rejected"), ("accepted", "dispatched"),
    ("dispatched", "in-progress"), ("in-progress", "resolved"), ("resolved", "verified"),
    ("resolved", "in-progress"), ("verified", "closed"), ("verified", "reopened"),
    ("rejected", "closed"), ("closed", "reopened"), ("reopened", "dispatched"),
})

# spec/15-case.md [CAS-011]: statuses that show the case was handled
HANDLED = frozenset({"resolved", "verified", "closed"})

# spec/10-person.md [PER-008]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# spec/11-organization.md [ORG-003]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# spec/02-conventions.md [CON-031]: rough bounding box of China
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
