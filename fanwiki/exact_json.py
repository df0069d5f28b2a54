"""A JSON serialization format for backups that keeps times to the microsecond.

Django's JSON keeps milliseconds only (as ECMA-262 dates do), so a revision saved at
12:00:00.123456 would come back as 12:00:00.123. Registered as "wikijson" in
SERIALIZATION_MODULES, so dumpdata and loaddata read and write it like any format.
"""

import datetime

from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        if isinstance(o, datetime.time) and o.tzinfo is None:
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = json.Deserializer
