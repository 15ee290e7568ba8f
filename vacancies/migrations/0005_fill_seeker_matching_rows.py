"""Fill the seekers' matching rows from the CVs already stored (the triggers of
0004_seeker_matching_rows keep them in step from then on)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0004_seeker_matching_rows")]

    operations = [
        migrations.RunSQL(
            sql="SELECT vacancies_matching_seeker_rebuild()",
            reverse_sql="TRUNCATE vacancies_matching_seeker",
        )
    ]
