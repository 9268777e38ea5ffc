"""Check a Parley Label Studio export with label-studio-sdk's own validation.

label-studio-sdk is not a Parley dependency (it pulls in about 70 packages,
OpenCV and pandas among them), so run this with an interpreter that has it,
e.g. a throwaway virtualenv::

    python3.11 -m venv /tmp/lsvenv && /tmp/lsvenv/bin/pip install label-studio-sdk==2.1.2
    parley analyze FILE --format label-studio > tasks.json
    .venv/bin/python scripts/check_label_studio.py --write-config tasks.json config.xml
    /tmp/lsvenv/bin/python scripts/check_label_studio.py tasks.json config.xml

``config.xml`` is ``parley.exchange.labelstudio.label_config(tasks)``. Prints one line per
error the SDK finds and a summary; exits 1 when there is any error.
"""
from __future__ import annotations

import argparse
import json
import sys


def tasks_of(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return data if isinstance(data, list) else [data]


def write_config(tasks_path: str, config_path: str) -> None:
    from parley.exchange.labelstudio import label_config

    with open(config_path, "w", encoding="utf-8") as f:
        f.write(label_config(tasks_of(tasks_path)))


def check(tasks_path: str, config_path: str) -> int:
    from label_studio_sdk.label_interface import LabelInterface

    with open(config_path, encoding="utf-8") as f:
        interface = LabelInterface(f.read())
    tasks, regions, errors = tasks_of(tasks_path), 0, 0
    for n, task in enumerate(tasks):
        for tag in interface.objects:
            if tag.value_is_variable and task.get("data", {}).get(tag.value_name) is None:
                print(f"task {n}: no data.{tag.value_name}")
                errors += 1
        for prediction in task.get("predictions", []):
            regions += len(prediction.get("result", []))
            for message in interface.validate_prediction(prediction, return_errors=True):
                print(f"task {n}: {message}")
                errors += 1
    print(f"{len(tasks)} tasks, {regions} regions, {errors} errors")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks")
    parser.add_argument("config")
    parser.add_argument("--write-config", action="store_true",
                        help="write CONFIG from TASKS (run with Parley's interpreter) instead of checking")
    args = parser.parse_args()
    if args.write_config:
        write_config(args.tasks, args.config)
        return 0
    return check(args.tasks, args.config)


if __name__ == "__main__":
    sys.exit(main())
