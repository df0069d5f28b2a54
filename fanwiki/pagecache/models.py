from django.db import models


class KeyVersion(models.Model):
    """The current version of one dependency key, for the page cache without Redis.

    Every worker reads the versions of a page's keys in one query before serving it from the cache;
    a committed write gives the keys it announced a new version.
    """

    key = models.CharField(primary_key=True, max_length=255, help_text="A dependency key, e.g. page:drama:3.")
    version = models.BigIntegerField(help_text="A random number, new at every write that touches the key.")

    class Meta:
        verbose_name = "page cache key version"

    def __str__(self):
        return f"{self.key} @ {self.version}"
