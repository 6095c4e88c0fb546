import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.criteria import requests, selectors
from ocop.criteria.engine import EvaluationError


class Command(BaseCommand):
    help = (
        "Score an answer file with a stored criteria set and print the same JSON as "
        "POST /api/v1/criteria-sets/{code}/evaluate. The file holds either {criterion: option} "
        'or the API body {"answers": {...}, "partial": false}.'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--set", dest="code", required=True, help="set code, e.g. CODE or CODE@v1"
        )
        parser.add_argument("answers", type=Path)
        parser.add_argument("--partial", action="store_true")

    def handle(self, *args, code: str, answers: Path, partial: bool, **options):
        try:
            payload = requests.parse_json(answers.read_bytes())
        except OSError as exc:
            raise CommandError(f"cannot read {answers}: {exc.strerror}") from exc
        except requests.RequestError as exc:
            raise CommandError(f"{answers}: {exc}") from exc
        if isinstance(payload, dict) and "answers" not in payload:
            payload = {"answers": payload}
        if partial and isinstance(payload, dict):
            payload["partial"] = True
        try:
            result = requests.evaluate_payload(code, payload)
        except selectors.UnknownCriteriaSet as exc:
            raise CommandError(f"unknown criteria set {code!r}") from exc
        except (requests.RequestError, EvaluationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
