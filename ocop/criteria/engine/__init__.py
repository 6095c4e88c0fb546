"""OCOP criteria engine — pure Python, no Django (bộ máy tính điểm theo bộ tiêu chí OCOP).

A criteria set (bộ tiêu chí) is versioned *data*: YAML files (or an Excel template) that an
administrator loads from the official annex. The engine validates sets, scores sheets,
advises how to reach the next star and aggregates council scores. All points are ``Decimal``.

Public API::

    load_set_file(path) -> CriteriaSet                 # YAML file
    load_set_text(text, source="<text>") -> CriteriaSet
    validate_set(data, source="<data>") -> CriteriaSet  # parsed YAML (dicts/lists)
    shipped_sets_dir() -> Path; list_shipped_sets() -> list[Path]
    load_classification(path=None) -> Classification

    evaluate(criteria_set, answers, partial=False) -> Evaluation
    answers_from_pairs(pairs) -> dict[str, str]         # rejects duplicate criteria
    star_for_total(total) -> int                        # 1..5, exact comparison

    advise(criteria_set, answers, target_stars=None) -> Advice
    answers_reaching(criteria_set, target) -> dict[str, str]  # demo/test sheets reaching a total

    aggregate(criteria_set, sheets: list[MemberSheet], council: CouncilConfig) -> CouncilResult

    # Excel (openpyxl) lives in ocop.criteria.engine.excel:
    write_excel(criteria_set, path_or_stream); read_excel(path_or_stream, name=None)

Errors: ``CriteriaSetError`` (bad set/Excel file) and ``EvaluationError`` (bad answers or
council input) are ``ValueError`` subclasses whose ``problems`` list names the file / sheet /
row / column and the criterion, option or rule code.

Every result has ``to_dict()`` (JSON-able, Decimals as strings with 2 decimals) so the API,
the command line and the web page print the same thing.
"""

from .advice import Advice, AdviceChange, advise, answers_reaching
from .classification import Classification, load_classification
from .council import (
    CouncilConfig,
    CouncilResult,
    CriterionConsensus,
    MemberScore,
    MemberSheet,
    RuleConsensus,
    aggregate,
)
from .loader import (
    dump_set_yaml,
    list_shipped_sets,
    load_set_file,
    load_set_text,
    shipped_sets_dir,
    validate_set,
)
from .model import (
    STAR_BANDS,
    CriteriaSet,
    CriteriaSetError,
    Criterion,
    EvaluationError,
    MandatoryRule,
    Option,
    Part,
    Problem,
    star_for_total,
    star_threshold,
)
from .scoring import Evaluation, answers_from_pairs, evaluate

__all__ = [
    "STAR_BANDS",
    "Advice",
    "AdviceChange",
    "Classification",
    "CouncilConfig",
    "CouncilResult",
    "CriteriaSet",
    "CriteriaSetError",
    "Criterion",
    "CriterionConsensus",
    "Evaluation",
    "EvaluationError",
    "MandatoryRule",
    "MemberScore",
    "MemberSheet",
    "Option",
    "Part",
    "Problem",
    "RuleConsensus",
    "advise",
    "aggregate",
    "answers_from_pairs",
    "answers_reaching",
    "dump_set_yaml",
    "evaluate",
    "list_shipped_sets",
    "load_classification",
    "load_set_file",
    "load_set_text",
    "shipped_sets_dir",
    "star_for_total",
    "star_threshold",
    "validate_set",
]
