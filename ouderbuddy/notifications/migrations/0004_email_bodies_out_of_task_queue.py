"""E-mail text out of the task queue (issue 10, item 3).

Up to now deliver_email got the whole message as its argument, so every task result
kept the subject, body and addresses (a parent's status link among them) for good.
A message still waiting (READY) moves to an OutgoingEmail row and its task gets the
row's id; every other deliver_email result loses its arguments. A message whose task
failed or was left running was lost under the old code: it is not sent now, weeks
late, but its text is removed all the same.
"""

import json

from django.db import migrations

TASK_PATH = "ouderbuddy.notifications.tasks.deliver_email"
EMPTY: dict[str, list[object] | dict[str, object]] = {"args": [], "kwargs": {}}


def _payload(args_kwargs):
    args = (args_kwargs or {}).get("args") or []
    if args and isinstance(args[0], dict):
        return args[0]
    return None


def forwards(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    OutgoingEmail = apps.get_model("notifications", "OutgoingEmail")
    db = schema_editor.connection.alias
    results = DBTaskResult.objects.using(db).filter(task_path=TASK_PATH)
    for result in results.iterator():
        payload = _payload(result.args_kwargs)
        if payload is None:
            continue
        if result.status == "READY":
            stored = OutgoingEmail.objects.using(db).create(payload=json.dumps(payload))
            result.args_kwargs = {"args": [str(stored.pk)], "kwargs": {}}
        else:
            result.args_kwargs = EMPTY
        result.save(update_fields=["args_kwargs"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_outgoing_email"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    # Nothing to undo: the old arguments are gone on purpose.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
