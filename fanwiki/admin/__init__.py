"""The editors' side of the wiki.

Every page admin lives here rather than in dramas/ and people/: history,
edit summaries and the edit-conflict check are wiki features, and keeping
them in fanwiki keeps the imports one-way (see DESIGN.md).
"""

from fanwiki.admin import articles, dramas, people  # noqa: F401  (registers the admins)
