# Models arrive with the vacancies issue.
