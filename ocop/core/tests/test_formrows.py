"""Which repeated rows a form page sends: the rows in use, one empty row, at least three."""

from __future__ import annotations

from django import forms
from hypothesis import given
from hypothesis import strategies as st

from ocop.core.formrows import rows_to_show

ROWS = 6


class Rows(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row in range(ROWS):
            self.fields[f"item_{row}"] = forms.CharField(required=False)
            self.fields[f"count_{row}"] = forms.IntegerField(required=False, initial=1)


def shown(form: forms.Form) -> list[int]:
    rows = rows_to_show(form, range(ROWS), fields=lambda r: (f"item_{r}", f"count_{r}"),
                        significant=lambda r: (f"item_{r}",), number=lambda r: r + 1)
    return [row.index for row in rows]


def test_an_empty_form_shows_three_rows_numbered_from_one():
    rows = rows_to_show(Rows(), range(ROWS), fields=lambda r: (f"item_{r}", f"count_{r}"),
                        significant=lambda r: (f"item_{r}",), number=lambda r: r + 1)
    assert [(r.index, r.number) for r in rows] == [(0, 1), (1, 2), (2, 3)]
    assert [f.name for f in rows[2].fields] == ["item_2", "count_2"]


def test_a_default_in_a_field_that_does_not_count_adds_no_row():
    # Every empty row posts its quantity's "1": that alone is not a row in use.
    data = {f"count_{r}": "1" for r in range(ROWS)}
    assert shown(Rows(data)) == [0, 1, 2]


@given(st.sets(st.integers(0, ROWS - 1)), st.booleans())
def test_rows_up_to_the_last_in_use_and_one_more(used, bound):
    values = {f"item_{r}": f"x{r}" for r in used}
    form = Rows(values) if bound else Rows(initial=values)
    expected = min(ROWS, max(3, max(used) + 2)) if used else 3
    assert shown(form) == list(range(expected))
    # A row in use is always among those sent, so nothing typed or kept is dropped.
    assert used <= set(shown(form))


def test_blank_text_is_not_a_value():
    assert shown(Rows({"item_4": "   "})) == [0, 1, 2]
