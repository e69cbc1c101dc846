"""A two-feature spec-kit repository, written for the versions tests: both features restart at FR-001,
tasks cite requirements (their evidence).  Non-ASCII on purpose (’ “ ” emoji)."""

from __future__ import annotations

ALBUMS = "specs/001-photo-albums"
SHARING = "specs/002-trip-sharing"

ALBUMS_SPEC = """# Feature Specification: Photo albums

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST let users create an album from selected photos.
- **FR-002**: System MUST let users rename an album; names may contain emoji 🌅.
- **FR-003**: System MUST keep a photo in every album it was added to.

## Success Criteria *(mandatory)*

- **SC-001**: Users create an album of 5 photos in under 30 seconds.
"""

ALBUMS_TASKS = """# Tasks: Photo albums

## Phase 1: User Story 1

- [ ] T010 [P] [US1] Album creation endpoint in `src/api/albums.py` (FR-001)
- [ ] T011 [US1] Rename endpoint, UTF-8 names “Porto 🌅” included (FR-002)
- [ ] T012 [US1] Keep photos when an album is renamed (FR-003)
"""

SHARING_SPEC = """# Feature Specification: Trip sharing

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST let a traveller share a trip with a link.
- **FR-002**: System MUST let the owner revoke a shared link at any time.
"""

SHARING_TASKS = """# Tasks: Trip sharing

## Phase 1: User Story 1

- [ ] T020 [US1] Share-link endpoint in `src/api/share.py` (FR-001)
- [ ] T021 [US1] Revoke endpoint; the link’s page says “gone” (FR-002)
"""


def files() -> dict[str, str]:
    return {
        ".spec-lsp.toml": "# spec-kit fixture (versions tests)\n",
        f"{ALBUMS}/spec.md": ALBUMS_SPEC,
        f"{ALBUMS}/tasks.md": ALBUMS_TASKS,
        f"{SHARING}/spec.md": SHARING_SPEC,
        f"{SHARING}/tasks.md": SHARING_TASKS,
    }
