"""core.bulk_insert, as the import uses it: reserved ids that the ORM never hands out again,
defaults for the columns the rows leave out, and encrypted values that read back; and one
instance written as save() would write it (the public RSVP form)."""

from django.db import connection, transaction
from django_scopes import scope

from alianza.core.bulk_insert import allocate_ids, insert_instance, insert_rows
from alianza.people.models import Person, Tag


def test_reserved_ids_are_not_reused_and_defaults_fill_the_other_columns(org_a):
    notes = Person._meta.get_field("notes")
    with transaction.atomic():
        ids = allocate_ids(Person, 3)
        assert len(set(ids)) == 3
        written = insert_rows(
            Person,
            ["id", "given_name", "notes"],
            ((pk, f"P{pk}", str(notes.seal(f"note {pk}", org_id=str(org_a.pk)))) for pk in ids),
            constants={"organization_id": org_a.pk},
        )
        assert written == 3
    with scope(organization=org_a):
        later = Person.objects.create(organization=org_a, given_name="Later")
        assert later.pk not in ids
        people = list(Person.objects.filter(pk__in=ids).order_by("pk"))
        assert [p.given_name for p in people] == [f"P{pk}" for pk in ids]
        assert [p.notes for p in people] == [f"note {pk}" for pk in ids]
        assert {p.preferred_language for p in people} == {"en"}  # the field's default
        assert all(p.created_at is not None and p.other_languages == [] for p in people)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM people_person WHERE id = %s", [ids[0]])
        assert "note" not in cursor.fetchone()[0]


def test_no_rows_writes_nothing(org_a):
    assert insert_rows(Tag, ["name"], []) == 0
    with transaction.atomic():
        assert allocate_ids(Tag, 0) == []


def test_conflicting_rows_can_be_skipped_and_are_not_counted(org_a):
    with transaction.atomic():
        assert insert_rows(Tag, ["name"], [("a",), ("b",)], constants={"organization_id": org_a.pk}) == 2
        written = insert_rows(
            Tag, ["name"], [("b",), ("c",), ("a",)], constants={"organization_id": org_a.pk}, skip_conflicts=True
        )
        assert written == 1
        # twice in one transaction (the temporary table is gone after each call)
        assert insert_rows(Tag, ["name"], [("d",)], constants={"organization_id": org_a.pk}, skip_conflicts=True) == 1
    with scope(organization=org_a):
        assert sorted(Tag.objects.values_list("name", flat=True)) == ["a", "b", "c", "d"]


def test_one_instance_is_written_as_save_writes_it(org_a):
    with scope(organization=org_a):
        saved = Person(organization=org_a, given_name="Ana", notes="Prefers mornings")
        saved.save()
        inserted = Person(organization=org_a, given_name="Ana", notes="Prefers mornings")
        insert_instance(inserted)
        assert inserted.pk is not None and inserted.pk != saved.pk and not inserted._state.adding
        timestamps = ("id", "created_at", "updated_at")
        fields = [f.attname for f in Person._meta.concrete_fields if f.attname not in timestamps]
        read = {p.pk: p for p in Person.objects.filter(pk__in=[saved.pk, inserted.pk])}
        assert [getattr(read[inserted.pk], f) for f in fields] == [getattr(read[saved.pk], f) for f in fields]
        assert read[inserted.pk].notes == "Prefers mornings"
        assert read[inserted.pk].created_at is not None  # the field default, given by the same code save() runs
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM people_person WHERE id = %s", [inserted.pk])
        assert "mornings" not in cursor.fetchone()[0]  # encrypted by the field, as save() does
