"""Random bytes as an import file: never a server error, and the counts always add up."""

from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alianza.people.import_reading import ImportFileError
from alianza.people.importing import import_job_create, import_job_run, import_job_start

cells = st.one_of(
    st.text(max_size=30),
    st.emails().map(str),
    st.from_regex(r"\(?[2-9]\d\d\)? ?\d{3}-?\d{4}", fullmatch=True),
    st.sampled_from(["", " ", "es", "Spanish", "Kreyòl", "😀", '"', ";", "\r\n"]),
)
rows = st.lists(st.lists(cells, max_size=6), max_size=25)


def to_csv(header: list[str], body: list[list[str]], delimiter: str) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=rows, delimiter=st.sampled_from([",", ";", "\t"]), raw=st.binary(max_size=300), use_raw=st.booleans())
def test_any_file_is_handled(org_a, owner, body, delimiter, raw, use_raw):
    content = raw if use_raw else to_csv(["email", "phone", "first name", "language", "tags", "city"], body, delimiter)
    try:
        job = import_job_create(
            organization=org_a, actor=owner, file_name="fuzz.csv", chunks=iter([content]), on_match="update"
        )
    except ImportFileError:
        return  # a clear, translated refusal is a fine answer to garbage
    mapping = job.mapping or {"0": "email"}
    with scope(organization=org_a):
        try:
            # A suggested mapping may lack an e-mail and a phone column (e.g. a lone header
            # read as a name): refused with a clear, translated message, like garbage above.
            started = import_job_start(job=job, actor=owner, mapping=mapping, enqueue=False)
        except ImportFileError:
            return
        job = import_job_run(job=started)
    assert job.status == "done"
    assert job.created + job.updated + job.skipped + job.rejected == job.rows_total == job.rows_done
