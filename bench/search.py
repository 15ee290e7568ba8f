# The word lists below are Russian and Kazakh on purpose, and kept one list per line.
# ruff: noqa: E501, RUF001
"""Vacancy search benchmark: the search API against its own SQL and against a naive search.

    python bench/search.py --vacancies 100000 [--json FILE] [--database-url URL]

1. Creates (or reuses, when it already holds the same N from this generator) a dedicated
   database: ``exchange_bench`` on ``DATABASE_URL``'s server, or on the embedded server when
   ``DATABASE_URL`` is unset; ``--database-url`` names another one. It is migrated and the
   catalogs are loaded.
2. Loads N synthetic vacancies: Russian, Kazakh and English titles and texts built from word
   lists per occupation, a few hundred employers, every region, realistic salaries, types,
   schedules, flags and dates; 3 in 4 are open, the rest are drafts and closed ones. Rows go
   in with COPY from two processes, with the table's indexes dropped during the load and
   rebuilt after it, then VACUUM ANALYZE.
3. For a fixed set of queries (Russian stems, Kazakh and English words, websearch syntax,
   with and without filters, every sort), measures in the same run:
   * api: ``GET /api/v1/vacancies/`` through Django's test client (middleware, form,
     selector, serializers, JSON): what a caller waits for, minus the network;
   * sql: every SQL statement that API call ran (captured from it), replayed raw through
     psycopg: the floor the API cannot beat;
   * naive: ``title__icontains`` / ``description__icontains`` for the query's words with the
     same filters, newest first, first page: what a search without the full-text index costs.
   and prints p50/p95 of each, the ratios api p95 / sql p95 (target <= 2) and naive p50 /
   api p50 (target >= 50 at 1M vacancies).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _common as common  # noqa: E402  (found through the path set just above)

# Bump when the generated data changes: a database loaded by another version is reloaded.
GENERATOR_VERSION = 1
BENCH_DATABASE = "exchange_bench"
API_URL = "/api/v1/vacancies/"
LOAD_WORKERS = 2
BATCH_ROWS = 20000

# --- Word lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """One occupation: ISCO-08 unit group, titles and duties in ru/kk/en, skill codes, pay."""

    isco: str
    weight: int
    titles: dict[str, list[str]]
    duties: dict[str, list[str]]
    skills: list[str]
    salary: int  # typical monthly minimum, KZT
    remote_share: float = 0.0


# fmt: off
def _p(isco, weight, salary, skills, ru, kk, en, ru_d, kk_d, en_d, remote_share=0.0):
    return Profile(isco, weight, {"ru": ru, "kk": kk, "en": en}, {"ru": ru_d, "kk": kk_d, "en": en_d}, skills, salary, remote_share)


PROFILES = [
    _p("7212", 4, 350_000, ["welding"],
       ["Сварщик", "Электрогазосварщик", "Сварщик металлоконструкций", "Помощник сварщика", "Сварщик аргонодуговой сварки"],
       ["Дәнекерлеуші", "Электргаз дәнекерлеуші", "Дәнекерлеуші көмекшісі", "Металл конструкцияларының дәнекерлеушісі"],
       ["Welder", "Welder and flame cutter", "TIG welder", "Welder's helper"],
       ["ручная дуговая сварка металлоконструкций", "сварка трубопроводов высокого давления", "резка металла газовым резаком",
        "контроль качества сварных швов", "чтение чертежей и схем", "полуавтоматическая сварка в среде углекислого газа"],
       ["металл конструкцияларын қолмен доғалық дәнекерлеу", "жоғары қысымды құбырларды дәнекерлеу", "металды газбен кесу",
        "дәнекерлеу жіктерінің сапасын бақылау", "сызбаларды оқу"],
       ["manual arc welding of steel structures", "welding of high-pressure pipelines", "gas cutting of metal",
        "quality control of welds", "reading drawings and diagrams"]),
    _p("7223", 3, 320_000, ["turning", "machining_cnc"],
       ["Токарь", "Токарь-универсал", "Оператор станков с ЧПУ", "Фрезеровщик", "Наладчик станков"],
       ["Токарь", "СББ станогының операторы", "Фрезерші", "Станок баптаушы"],
       ["Lathe operator", "CNC machinist", "Turner", "Milling machine operator"],
       ["обработка деталей на токарных станках", "наладка станков с ЧПУ", "изготовление деталей по чертежам",
        "контроль размеров измерительным инструментом"],
       ["токарлық станоктарда бөлшектерді өңдеу", "СББ станоктарын баптау", "сызбалар бойынша бөлшектер жасау"],
       ["machining parts on lathes", "setting up CNC machines", "making parts from drawings", "measuring finished parts"]),
    _p("7411", 4, 330_000, ["electrical_installation"],
       ["Электрик", "Электромонтажник", "Электромонтёр по ремонту оборудования", "Электрик-сантехник", "Дежурный электрик"],
       ["Электрик", "Электр монтаждаушы", "Электромонтер", "Кезекші электрик"],
       ["Electrician", "Electrical installer", "Maintenance electrician"],
       ["монтаж электропроводки и щитов", "обслуживание электрооборудования", "устранение неисправностей в электросетях",
        "прокладка кабеля", "подключение освещения"],
       ["электр сымдары мен қалқандарын монтаждау", "электр жабдықтарына қызмет көрсету", "электр желілеріндегі ақауларды жою",
        "кабель төсеу"],
       ["installing wiring and switchboards", "maintaining electrical equipment", "troubleshooting power networks",
        "laying cables"]),
    _p("7211", 1, 310_000, ["foundry"],
       ["Литейщик", "Формовщик литейного производства", "Плавильщик металла"],
       ["Құюшы", "Құю өндірісінің қалыптаушысы", "Металл балқытушы"],
       ["Foundry worker", "Metal moulder", "Furnace operator"],
       ["заливка металла в формы", "изготовление литейных форм", "обслуживание плавильной печи"],
       ["металды қалыптарға құю", "құю қалыптарын жасау", "балқыту пешіне қызмет көрсету"],
       ["pouring metal into moulds", "making casting moulds", "operating the melting furnace"]),
    _p("7542", 1, 450_000, ["blasting", "mining"],
       ["Взрывник", "Мастер взрывных работ", "Взрывник на карьер"],
       ["Жарушы", "Жару жұмыстарының шебері"],
       ["Blaster", "Shotfirer"],
       ["проведение взрывных работ на карьере", "заряжание скважин", "учёт и хранение взрывчатых материалов"],
       ["карьерде жару жұмыстарын жүргізу", "ұңғымаларды зарядтау", "жарылғыш материалдарды есепке алу"],
       ["blasting at an open-pit mine", "charging blast holes", "keeping explosives records"]),
    _p("7126", 3, 280_000, ["plumbing", "hvac"],
       ["Сантехник", "Слесарь-сантехник", "Монтажник систем отопления", "Слесарь аварийно-восстановительных работ"],
       ["Сантехник", "Жылыту жүйелерінің монтаждаушысы", "Слесарь-сантехник"],
       ["Plumber", "Pipe fitter", "Heating systems installer"],
       ["монтаж водопровода и канализации", "ремонт систем отопления", "устранение аварий на трубопроводах"],
       ["су құбыры мен кәрізді монтаждау", "жылыту жүйелерін жөндеу", "құбырлардағы апаттарды жою"],
       ["installing water and sewer pipes", "repairing heating systems", "fixing pipeline leaks"]),
    _p("7112", 3, 300_000, ["masonry"],
       ["Каменщик", "Штукатур-маляр", "Бетонщик", "Разнорабочий на стройку"],
       ["Тас қалаушы", "Сылақшы", "Бетоншы", "Құрылысқа жұмысшы"],
       ["Bricklayer", "Plasterer", "Concrete worker", "Construction labourer"],
       ["кладка кирпича и блоков", "штукатурка стен", "заливка бетона", "подготовка строительных растворов"],
       ["кірпіш пен блок қалау", "қабырғаларды сылау", "бетон құю"],
       ["laying bricks and blocks", "plastering walls", "pouring concrete"]),
    _p("7115", 2, 280_000, ["carpentry"],
       ["Плотник", "Столяр", "Плотник-бетонщик", "Мебельщик"],
       ["Ағаш ұстасы", "Ұста", "Жиһаз жасаушы"],
       ["Carpenter", "Joiner", "Furniture maker"],
       ["изготовление опалубки", "столярные работы по дереву", "сборка мебели"],
       ["қалып жасау", "ағаштан ұсталық жұмыстар", "жиһаз құрастыру"],
       ["building formwork", "woodworking", "assembling furniture"]),
    _p("8332", 5, 380_000, ["driving_c", "driving_ce", "logistics"],
       ["Водитель категории C", "Водитель грузового автомобиля", "Водитель-экспедитор", "Водитель категории CE", "Водитель самосвала"],
       ["Жүк көлігінің жүргізушісі", "C санатты жүргізуші", "Жүргізуші-экспедитор", "Өзіаударғыш жүргізушісі"],
       ["Truck driver", "Delivery driver", "Long-haul driver", "Dump truck driver"],
       ["перевозка грузов по Казахстану", "доставка товаров клиентам", "ежедневный осмотр автомобиля", "оформление путевых листов"],
       ["Қазақстан бойынша жүк тасымалдау", "тауарларды клиенттерге жеткізу", "көлікті күнделікті тексеру"],
       ["hauling freight across Kazakhstan", "delivering goods to customers", "daily vehicle checks"]),
    _p("8322", 3, 250_000, ["driving_b"],
       ["Водитель такси", "Водитель легкового автомобиля", "Личный водитель", "Курьер на авто"],
       ["Такси жүргізушісі", "Жеңіл көлік жүргізушісі", "Жеке жүргізуші"],
       ["Taxi driver", "Car driver", "Chauffeur", "Courier with a car"],
       ["перевозка пассажиров", "поддержание автомобиля в чистоте", "соблюдение правил дорожного движения"],
       ["жолаушыларды тасымалдау", "көлікті таза ұстау", "жол жүру ережелерін сақтау"],
       ["driving passengers", "keeping the car clean", "following traffic rules"]),
    _p("8344", 2, 260_000, ["forklift", "warehouse"],
       ["Водитель погрузчика", "Кладовщик-водитель погрузчика", "Оператор погрузчика"],
       ["Тиегіш жүргізушісі", "Тиегіш операторы"],
       ["Forklift operator", "Forklift driver"],
       ["погрузка и разгрузка товаров", "перемещение паллет по складу"],
       ["тауарларды тиеу және түсіру", "қоймада паллеттерді тасымалдау"],
       ["loading and unloading goods", "moving pallets in the warehouse"]),
    _p("4321", 3, 230_000, ["warehouse", "logistics", "1c"],
       ["Кладовщик", "Заведующий складом", "Комплектовщик заказов", "Грузчик"],
       ["Қоймашы", "Қойма меңгерушісі", "Тапсырыстарды жинақтаушы", "Жүк тиеуші"],
       ["Storekeeper", "Warehouse clerk", "Order picker", "Loader"],
       ["приёмка и отгрузка товара", "учёт товара в 1С", "проведение инвентаризации"],
       ["тауарды қабылдау және жөнелту", "1С бағдарламасында тауар есебі", "түгендеу жүргізу"],
       ["receiving and shipping goods", "stock records in 1C", "stocktaking"]),
    _p("3221", 4, 220_000, ["nursing", "patient_care", "first_aid"],
       ["Медицинская сестра", "Медсестра процедурного кабинета", "Старшая медсестра", "Палатная медсестра"],
       ["Мейірбике", "Аға мейірбике", "Емшара кабинетінің мейірбикесі"],
       ["Nurse", "Registered nurse", "Head nurse"],
       ["выполнение врачебных назначений", "уход за пациентами", "забор крови и инъекции", "ведение медицинской документации"],
       ["дәрігердің тағайындауларын орындау", "науқастарды күту", "қан алу және екпе жасау"],
       ["carrying out doctors' orders", "caring for patients", "taking blood and giving injections"]),
    _p("2211", 2, 450_000, ["patient_care"],
       ["Врач-терапевт", "Врач общей практики", "Участковый врач", "Врач-педиатр"],
       ["Терапевт дәрігер", "Жалпы тәжірибелік дәрігер", "Учаскелік дәрігер", "Педиатр дәрігер"],
       ["General practitioner", "Physician", "Paediatrician"],
       ["приём пациентов в поликлинике", "диагностика и лечение заболеваний", "профилактические осмотры населения"],
       ["емханада науқастарды қабылдау", "ауруларды анықтау және емдеу", "халықты профилактикалық тексеру"],
       ["seeing patients at the clinic", "diagnosing and treating illness", "preventive check-ups"]),
    _p("2262", 1, 260_000, ["pharmacy", "cash_register"],
       ["Фармацевт", "Провизор", "Заведующий аптекой"],
       ["Фармацевт", "Провизор", "Дәріхана меңгерушісі"],
       ["Pharmacist", "Pharmacy manager"],
       ["отпуск лекарственных средств", "консультирование покупателей", "приёмка товара в аптеке"],
       ["дәрі-дәрмек босату", "сатып алушыларға кеңес беру", "дәріханаға тауар қабылдау"],
       ["dispensing medicines", "advising customers", "receiving pharmacy stock"]),
    _p("2341", 4, 250_000, ["teaching", "kazakh_language", "english_language"],
       ["Учитель начальных классов", "Учитель казахского языка", "Учитель математики", "Учитель английского языка", "Учитель физики"],
       ["Бастауыш сынып мұғалімі", "Қазақ тілі мұғалімі", "Математика пәнінің мұғалімі", "Ағылшын тілі мұғалімі", "Физика мұғалімі"],
       ["Primary school teacher", "Mathematics teacher", "English teacher", "Physics teacher"],
       ["проведение уроков по программе обновлённого содержания", "подготовка учеников к олимпиадам", "работа с родителями",
        "ведение электронного журнала"],
       ["жаңартылған бағдарлама бойынша сабақ өткізу", "оқушыларды олимпиадаға дайындау", "ата-аналармен жұмыс"],
       ["teaching lessons to the national curriculum", "preparing pupils for olympiads", "working with parents"]),
    _p("2342", 2, 200_000, ["early_childhood"],
       ["Воспитатель детского сада", "Помощник воспитателя", "Няня"],
       ["Балабақша тәрбиешісі", "Тәрбиеші көмекшісі", "Күтуші"],
       ["Kindergarten teacher", "Nursery assistant", "Nanny"],
       ["организация занятий с детьми", "присмотр за детьми на прогулке", "подготовка утренников"],
       ["балалармен сабақ ұйымдастыру", "серуенде балаларды қадағалау", "ертеңгіліктер дайындау"],
       ["running activities for children", "supervising children outdoors", "preparing celebrations"]),
    _p("2411", 4, 350_000, ["accounting", "tax_reporting", "1c", "excel"],
       ["Бухгалтер", "Главный бухгалтер", "Бухгалтер по заработной плате", "Бухгалтер-кассир"],
       ["Бухгалтер", "Бас бухгалтер", "Жалақы бойынша бухгалтер"],
       ["Accountant", "Chief accountant", "Payroll accountant"],
       ["ведение бухгалтерского учёта в 1С", "сдача налоговой отчётности", "начисление заработной платы", "работа с банком"],
       ["1С бағдарламасында бухгалтерлік есеп жүргізу", "салық есептілігін тапсыру", "жалақы есептеу"],
       ["bookkeeping in 1C", "filing tax returns", "running payroll"], remote_share=0.1),
    _p("4110", 3, 220_000, ["office_software", "excel"],
       ["Офис-менеджер", "Делопроизводитель", "Секретарь-референт", "Администратор"],
       ["Кеңсе менеджері", "Іс жүргізуші", "Хатшы", "Әкімші"],
       ["Office manager", "Office clerk", "Secretary", "Receptionist"],
       ["приём звонков и встреча посетителей", "ведение документооборота", "заказ канцелярии"],
       ["қоңырауларды қабылдау және келушілерді қарсы алу", "құжат айналымын жүргізу"],
       ["answering calls and meeting visitors", "managing documents", "ordering supplies"]),
    _p("5223", 6, 200_000, ["sales", "customer_service", "cash_register"],
       ["Продавец-консультант", "Продавец-кассир", "Менеджер по продажам", "Торговый представитель"],
       ["Сатушы-кеңесші", "Сатушы-кассир", "Сату менеджері", "Сауда өкілі"],
       ["Sales assistant", "Shop assistant", "Sales manager", "Sales representative"],
       ["консультирование покупателей", "выкладка товара", "выполнение плана продаж", "работа с клиентской базой"],
       ["сатып алушыларға кеңес беру", "тауарды сөрелерге қою", "сату жоспарын орындау"],
       ["helping customers", "stocking shelves", "meeting sales targets", "managing the client base"], remote_share=0.05),
    _p("5230", 3, 180_000, ["cash_register"],
       ["Кассир", "Старший кассир", "Кассир-операционист"],
       ["Кассир", "Аға кассир"],
       ["Cashier", "Senior cashier"],
       ["работа на кассе", "приём наличных и безналичных платежей", "сдача выручки"],
       ["кассада жұмыс істеу", "қолма-қол және қолма-қолсыз төлемдерді қабылдау"],
       ["operating the till", "taking cash and card payments"]),
    _p("5120", 5, 230_000, ["cooking", "baking"],
       ["Повар", "Повар-кондитер", "Шеф-повар", "Помощник повара", "Повар горячего цеха"],
       ["Аспаз", "Аспаз-кондитер", "Бас аспаз", "Аспаз көмекшісі"],
       ["Cook", "Chef", "Pastry cook", "Kitchen assistant"],
       ["приготовление блюд казахской и европейской кухни", "заготовка продуктов", "соблюдение санитарных норм", "выпечка"],
       ["қазақ және еуропа тағамдарын дайындау", "өнімдерді дайындау", "санитарлық нормаларды сақтау"],
       ["cooking Kazakh and European dishes", "food preparation", "keeping hygiene standards"]),
    _p("7512", 2, 200_000, ["baking"],
       ["Пекарь", "Кондитер", "Пекарь-тестомес"],
       ["Наубайшы", "Кондитер", "Нан пісіруші"],
       ["Baker", "Confectioner"],
       ["выпечка хлеба и булочных изделий", "замес теста", "украшение тортов"],
       ["нан мен тоқаш пісіру", "қамыр илеу", "торттарды безендіру"],
       ["baking bread and buns", "mixing dough", "decorating cakes"]),
    _p("5131", 3, 170_000, ["customer_service"],
       ["Официант", "Бармен", "Бариста", "Хостес"],
       ["Даяшы", "Бармен", "Бариста"],
       ["Waiter", "Bartender", "Barista"],
       ["обслуживание гостей ресторана", "приём заказов", "приготовление кофе"],
       ["мейрамхана қонақтарына қызмет көрсету", "тапсырыстарды қабылдау", "кофе дайындау"],
       ["serving restaurant guests", "taking orders", "making coffee"]),
    _p("9112", 4, 150_000, ["cleaning"],
       ["Уборщица", "Уборщик служебных помещений", "Горничная", "Мойщица посуды"],
       ["Еден жуушы", "Тазалаушы", "Бөлмеші", "Ыдыс жуушы"],
       ["Cleaner", "Office cleaner", "Housekeeper", "Dishwasher"],
       ["уборка офисных помещений", "влажная уборка", "мытьё окон и посуды"],
       ["кеңсе бөлмелерін тазалау", "ылғалды тазалау", "терезе мен ыдыс жуу"],
       ["cleaning offices", "mopping floors", "washing windows and dishes"]),
    _p("5414", 3, 190_000, ["security_guard"],
       ["Охранник", "Сторож", "Контролёр КПП", "Охранник вахтовым методом"],
       ["Күзетші", "Өткізу бекетінің бақылаушысы", "Түнгі күзетші"],
       ["Security guard", "Watchman", "Gate controller"],
       ["охрана объекта", "контроль пропускного режима", "обход территории"],
       ["нысанды күзету", "өткізу режимін бақылау", "аумақты аралау"],
       ["guarding the site", "checking passes", "patrolling the grounds"]),
    _p("2512", 4, 700_000, ["python", "javascript", "sql", "java", "1c"],
       ["Программист", "Разработчик Python", "Frontend-разработчик", "Java-разработчик", "Программист 1С", "Backend-разработчик"],
       ["Бағдарламашы", "Python әзірлеушісі", "Бағдарламалық жасақтама әзірлеушісі", "1С бағдарламашысы"],
       ["Software developer", "Python developer", "Frontend developer", "Java developer", "Backend engineer"],
       ["разработка веб-приложений на Python и Django", "проектирование REST API", "написание автотестов",
        "работа с базами данных PostgreSQL", "доработка конфигураций 1С"],
       ["Python және Django тілінде веб-қосымшалар әзірлеу", "REST API жобалау", "PostgreSQL дерекқорларымен жұмыс"],
       ["building web applications with Python and Django", "designing REST APIs", "writing automated tests",
        "working with PostgreSQL databases", "code reviews"], remote_share=0.35),
    _p("3512", 2, 350_000, ["networking", "it_support"],
       ["Системный администратор", "Специалист технической поддержки", "Инженер-программист"],
       ["Жүйелік әкімші", "Техникалық қолдау маманы"],
       ["System administrator", "IT support specialist", "Help desk technician"],
       ["настройка компьютерных сетей", "поддержка пользователей", "установка программного обеспечения"],
       ["компьютерлік желілерді баптау", "пайдаланушыларды қолдау", "бағдарламалық жасақтама орнату"],
       ["configuring networks", "supporting users", "installing software"], remote_share=0.2),
    _p("2511", 2, 550_000, ["data_analysis", "sql", "excel"],
       ["Аналитик данных", "Бизнес-аналитик", "Экономист", "Финансовый аналитик"],
       ["Деректер талдаушысы", "Экономист", "Қаржы талдаушысы"],
       ["Data analyst", "Business analyst", "Economist", "Financial analyst"],
       ["анализ данных и подготовка отчётов", "построение дашбордов", "экономическое планирование"],
       ["деректерді талдау және есептер дайындау", "экономикалық жоспарлау"],
       ["analysing data and reporting", "building dashboards", "economic planning"], remote_share=0.25),
    _p("7231", 3, 300_000, ["car_repair"],
       ["Автослесарь", "Автомеханик", "Моторист", "Шиномонтажник"],
       ["Автослесарь", "Автомеханик", "Шина жөндеуші"],
       ["Car mechanic", "Auto technician", "Tyre fitter"],
       ["ремонт двигателей и ходовой части", "диагностика автомобилей", "техническое обслуживание спецтехники"],
       ["қозғалтқыштар мен жүріс бөлігін жөндеу", "автомобильдерді диагностикалау"],
       ["repairing engines and suspensions", "diagnosing vehicles", "servicing heavy machinery"]),
    _p("6121", 2, 180_000, ["livestock"],
       ["Животновод", "Скотник", "Чабан", "Оператор машинного доения"],
       ["Малшы", "Шопан", "Сауыншы"],
       ["Livestock farmer", "Shepherd", "Milker"],
       ["уход за крупным рогатым скотом", "выпас овец", "машинное доение коров"],
       ["ірі қара малды күту", "қой бағу", "сиырларды машинамен сауу"],
       ["caring for cattle", "grazing sheep", "machine milking"]),
    _p("8341", 2, 260_000, ["tractor_driving", "agronomy"],
       ["Тракторист", "Тракторист-машинист", "Комбайнёр"],
       ["Тракторшы", "Комбайншы"],
       ["Tractor driver", "Combine operator"],
       ["посевные и уборочные работы", "обслуживание сельхозтехники"],
       ["егіс және жинау жұмыстары", "ауыл шаруашылығы техникасына қызмет көрсету"],
       ["sowing and harvesting", "maintaining farm machinery"]),
    _p("2132", 1, 300_000, ["agronomy"],
       ["Агроном", "Главный агроном"],
       ["Агроном", "Бас агроном"],
       ["Agronomist", "Chief agronomist"],
       ["планирование севооборота", "контроль состояния посевов", "подбор удобрений"],
       ["ауыспалы егісті жоспарлау", "егістердің жағдайын бақылау"],
       ["planning crop rotation", "monitoring crops", "choosing fertilisers"]),
    _p("7533", 2, 170_000, ["sewing"],
       ["Швея", "Швея-мотористка", "Портной", "Закройщик"],
       ["Тігінші", "Тігінші-моторист", "Пішуші"],
       ["Seamstress", "Sewing machine operator", "Tailor"],
       ["пошив спецодежды", "раскрой ткани", "ремонт одежды"],
       ["арнайы киім тігу", "мата пішу", "киім жөндеу"],
       ["sewing workwear", "cutting fabric", "mending clothes"]),
    _p("5141", 1, 200_000, ["hairdressing"],
       ["Парикмахер", "Парикмахер-универсал", "Барбер"],
       ["Шаштараз", "Барбер"],
       ["Hairdresser", "Barber"],
       ["мужские и женские стрижки", "окрашивание волос"],
       ["ерлер мен әйелдер шаштарын қию", "шаш бояу"],
       ["men's and women's haircuts", "hair colouring"]),
    _p("8111", 2, 480_000, ["mining"],
       ["Горнорабочий", "Проходчик", "Машинист горных выемочных машин"],
       ["Кенші", "Үңгілеуші", "Тау-кен машинасының машинисі"],
       ["Miner", "Mining machine operator"],
       ["работа в подземном руднике", "проходка горных выработок", "крепление выработок"],
       ["жерасты кенішінде жұмыс", "тау-кен қазбаларын үңгілеу"],
       ["underground mine work", "driving tunnels", "roof support"]),
    _p("8113", 2, 600_000, ["oil_gas_operations"],
       ["Оператор по добыче нефти и газа", "Помощник бурильщика", "Бурильщик"],
       ["Мұнай және газ өндіру операторы", "Бұрғылаушы көмекшісі", "Бұрғылаушы"],
       ["Oil and gas operator", "Driller", "Assistant driller"],
       ["обслуживание нефтяных скважин", "бурение эксплуатационных скважин", "работа вахтовым методом на месторождении"],
       ["мұнай ұңғымаларына қызмет көрсету", "пайдалану ұңғымаларын бұрғылау", "кен орнында вахталық әдіспен жұмыс"],
       ["servicing oil wells", "drilling production wells", "rotation work at the oil field"]),
    _p("2643", 1, 300_000, ["translation", "english_language", "kazakh_language"],
       ["Переводчик", "Переводчик английского языка", "Синхронный переводчик"],
       ["Аудармашы", "Ағылшын тілі аудармашысы"],
       ["Translator", "Interpreter"],
       ["письменный перевод технической документации", "устный перевод на переговорах"],
       ["техникалық құжаттаманы жазбаша аудару", "келіссөздерде ауызша аудару"],
       ["translating technical documents", "interpreting at meetings"], remote_share=0.3),
    _p("1219", 2, 500_000, ["project_management", "negotiation"],
       ["Менеджер проектов", "Руководитель отдела", "Управляющий"],
       ["Жоба менеджері", "Бөлім басшысы"],
       ["Project manager", "Head of department", "Operations manager"],
       ["управление проектами и сроками", "ведение переговоров с партнёрами", "подбор и обучение персонала"],
       ["жобалар мен мерзімдерді басқару", "серіктестермен келіссөздер жүргізу"],
       ["managing projects and deadlines", "negotiating with partners", "hiring and training staff"], remote_share=0.1),
    _p("8343", 1, 380_000, ["crane_operation"],
       ["Машинист крана", "Крановщик", "Стропальщик"],
       ["Кран машинисі", "Крановщик", "Стропальщик"],
       ["Crane operator", "Slinger"],
       ["управление башенным краном", "строповка грузов"],
       ["мұнара кранын басқару", "жүктерді строптау"],
       ["operating a tower crane", "slinging loads"]),
]

WORDS = {
    "ru": {
        "intro": ["{org} приглашает на работу", "В связи с расширением производства {org} требуется",
                  "Крупному предприятию {org} требуется", "{org} приглашает в команду", "Срочно требуется в {org}"],
        "company": ["Компания работает на рынке Казахстана более {years} лет.", "Мы входим в число ведущих предприятий региона.",
                    "Наши объекты расположены по всей стране.", "У нас современное оборудование и безопасные условия труда."],
        "conditions": ["Официальное трудоустройство по Трудовому кодексу РК.", "Полный социальный пакет.", "Бесплатное питание.",
                       "Доставка служебным транспортом.", "Обучение за счёт компании.",
                       "Стабильная заработная плата два раза в месяц.", "Оплачиваемый ежегодный отпуск.", "Карьерный рост.",
                       "Дружный коллектив.", "Работа вахтовым методом 15/15.", "Предоставляется общежитие.",
                       "Премии по итогам работы.", "Добровольное медицинское страхование.", "Спецодежда выдаётся."],
        "requirements": ["Опыт работы от {n} лет.", "Без опыта работы, обучим.", "Среднее специальное образование.",
                         "Высшее образование.", "Наличие действующего удостоверения.", "Ответственность и пунктуальность.",
                         "Знание казахского и русского языков.", "Знание английского языка приветствуется.",
                         "Отсутствие вредных привычек.", "Наличие медицинской книжки."],
        "duties": "Обязанности",
        "modifiers": ["", "", "", "", " {grade} разряда", " (вахта)", " на производство", " на стройку",
                      " в ночную смену", " без опыта", " со знанием казахского языка"],
    },
    "kk": {
        "intro": ["{org} жұмысқа шақырады", "Өндірісті кеңейтуге байланысты {org} қажет", "{org} ірі кәсіпорнына қажет",
                  "{org} командаға шақырады", "{org} шұғыл түрде қажет"],
        "company": ["Компания Қазақстан нарығында {years} жылдан астам жұмыс істейді.", "Біз өңірдің жетекші кәсіпорындарының біріміз.",
                    "Біздің нысандар бүкіл елде орналасқан.", "Бізде заманауи жабдықтар және қауіпсіз еңбек жағдайлары бар."],
        "conditions": ["ҚР Еңбек кодексіне сәйкес ресми жұмысқа орналастыру.", "Толық әлеуметтік пакет.", "Тегін тамақ.",
                       "Қызметтік көлікпен жеткізу.", "Компания есебінен оқыту.", "Жалақы айына екі рет төленеді.",
                       "Ақылы жыл сайынғы демалыс.", "Мансаптық өсу.", "Ынтымақты ұжым.", "Вахталық әдіспен жұмыс 15/15.",
                       "Жатақхана беріледі.", "Жұмыс қорытындысы бойынша сыйлықақы.", "Ерікті медициналық сақтандыру.",
                       "Арнайы киім беріледі."],
        "requirements": ["Кемінде {n} жыл жұмыс тәжірибесі.", "Тәжірибесіз, оқытамыз.", "Орта арнаулы білім.", "Жоғары білім.",
                         "Жарамды куәліктің болуы.", "Жауапкершілік және ұқыптылық.", "Қазақ және орыс тілдерін білу.",
                         "Ағылшын тілін білу артықшылық болады.", "Зиянды әдеттердің болмауы.", "Медициналық кітапшаның болуы."],
        "duties": "Міндеттері",
        "modifiers": ["", "", "", "", " ({grade} разряд)", " (вахта)", " өндіріске", " құрылысқа", " түнгі ауысымға",
                      " тәжірибесіз"],
    },
    "en": {
        "intro": ["{org} is hiring", "Due to expansion {org} is looking for", "{org}, a large employer, is looking for",
                  "Join {org} as", "{org} urgently needs"],
        "company": ["The company has worked in Kazakhstan for more than {years} years.", "We are one of the region's leading employers.",
                    "Our sites are all over the country.", "We offer modern equipment and safe working conditions."],
        "conditions": ["Official employment under the Labour Code.", "Full social package.", "Free meals.",
                       "Company transport to the site.", "Training at the company's expense.", "Salary paid twice a month.",
                       "Paid annual leave.", "Career growth.", "Friendly team.", "Rotation 15/15.", "Accommodation provided.",
                       "Performance bonuses.", "Health insurance.", "Work clothes provided."],
        "requirements": ["At least {n} years of experience.", "No experience needed, we will train you.", "Vocational education.",
                         "Higher education.", "A valid certificate.", "Responsible and punctual.",
                         "Kazakh and Russian language skills.", "English is an advantage.", "A valid medical book."],
        "duties": "Duties",
        "modifiers": ["", "", "", "", " (rotation)", " for a construction site", " night shift", " no experience",
                      " junior", " senior"],
    },
}
LANGUAGES = ("ru", "kk", "en")
LANGUAGE_WEIGHTS = (60, 25, 15)
ORG_PREFIXES = ["Казахмыс", "Астана", "Алтын", "Сарыарка", "Qazaq", "Нур", "Береке", "Жетысу", "Каспий", "Алатау", "Тулпар",
                "Арман", "Болашак", "Kaz", "Ертис", "Степь", "Достык", "Samruk", "Orda", "Шыгыс"]
ORG_SUFFIXES = ["Строй", "Сервис", "Групп", "Инвест", "Trade", "Logistics", "Agro", "Med", "Systems", "Food", "Energy",
                "Auto", "Mining", "Oil", "Textile", "Retail", "Pharm", "Edu", "Tech", "Steel"]
CITIES = {
    "KZ-10": "Семей", "KZ-11": "Кокшетау", "KZ-15": "Актобе", "KZ-19": "Конаев", "KZ-23": "Атырау", "KZ-27": "Уральск",
    "KZ-31": "Тараз", "KZ-33": "Талдыкорган", "KZ-35": "Караганда", "KZ-39": "Костанай", "KZ-43": "Кызылорда",
    "KZ-47": "Актау", "KZ-55": "Павлодар", "KZ-59": "Петропавловск", "KZ-61": "Туркестан", "KZ-62": "Жезказган",
    "KZ-63": "Усть-Каменогорск", "KZ-71": "Астана", "KZ-75": "Алматы", "KZ-79": "Шымкент",
}
# Big cities get more vacancies.
REGION_WEIGHTS = {"KZ-71": 14, "KZ-75": 18, "KZ-79": 8, "KZ-35": 7, "KZ-23": 5, "KZ-47": 4, "KZ-63": 5, "KZ-55": 4}
EMPLOYMENT_WEIGHTS = {"full_time": 65, "part_time": 10, "shift": 10, "temporary": 5, "internship": 4, "remote": 3, "platform": 3}
SCHEDULE_WEIGHTS = {"full_day": 60, "shift_work": 15, "flexible": 12, "rotation": 8, "remote_schedule": 5}
STATUS_WEIGHTS = {"published": 75, "closed": 8, "filled": 5, "expired": 7, "draft": 2, "pending": 2, "paused": 1}
EXPERIENCE_WEIGHTS = {0: 30, 1: 25, 2: 15, 3: 20, 5: 10}
OPEN_STATUSES = {"pending", "published", "paused"}

COPY_COLUMNS = [
    "organization_id", "external_id", "title", "occupation_id", "description", "duties", "requirements",
    "education_level_id", "experience_years", "skills_text", "languages", "salary_min", "salary_max", "salary_is_gross",
    "employment_type_id", "schedule_id", "region_id", "locality", "address", "is_remote", "positions", "positions_filled",
    "is_youth_friendly", "is_quota", "has_social_package", "national_project_id", "contact_name", "contact_phone",
    "contact_email", "status", "status_reason", "published_at", "expires_at", "created_at", "updated_at",
]
# fmt: on


# --- Generating rows ------------------------------------------------------------------------------


@dataclass
class Catalog:
    """Ids the generator needs, read once in the parent and handed to the load workers."""

    occupations: dict[str, int]
    regions: list[tuple[str, int]]
    employment_types: dict[str, int]
    schedules: dict[str, int]
    education_levels: list[int]
    skills: dict[str, tuple[str, str, str]]
    organizations: list[tuple[int, str]]
    projects: list[int]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def vacancy_rows(count: int, catalog: Catalog, seed: int):
    """Yield ``count`` rows in ``COPY_COLUMNS`` order. Open vacancies never repeat (title,
    occupation, region, employer): the database refuses such duplicates."""
    rng = random.Random(seed)
    profile_weights = [p.weight for p in PROFILES]
    region_codes = [code for code, _ in catalog.regions]
    region_ids = dict(catalog.regions)
    region_weights = [REGION_WEIGHTS.get(code, 2) for code in region_codes]
    open_keys: set[int] = set()
    now = catalog.now
    for _ in range(count):
        profile = rng.choices(PROFILES, weights=profile_weights)[0]
        lang = rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS)[0]
        words = WORDS[lang]
        org_id, org_name = rng.choice(catalog.organizations)
        region_code = rng.choices(region_codes, weights=region_weights)[0]
        experience = _weighted(rng, EXPERIENCE_WEIGHTS)
        title = rng.choice(profile.titles[lang]) + rng.choice(words["modifiers"]).format(grade=rng.randint(3, 6))

        paragraphs = [
            rng.choice(words["intro"]).format(org=org_name) + ": " + title.lower() + ".",
            rng.choice(words["company"]).format(years=rng.randint(3, 30)),
            " ".join(rng.sample(words["conditions"], rng.randint(2, 5))),
        ]
        if lang == "kk" and rng.random() < 0.3:
            # Kazakh vacancies often repeat the title in Russian.
            paragraphs.append(rng.choice(profile.titles["ru"]) + ".")
        duties_list = rng.sample(profile.duties[lang], min(len(profile.duties[lang]), rng.randint(2, 4)))
        duties = words["duties"] + ": " + "; ".join(duties_list) + "."
        requirements = " ".join(rng.sample(words["requirements"], 3)).format(n=max(experience, 1))
        skill_codes = rng.sample(profile.skills, min(len(profile.skills), rng.randint(1, 3)))
        skills_text = " ".join(" ".join(catalog.skills[code]) for code in skill_codes if code in catalog.skills)

        status = _weighted(rng, STATUS_WEIGHTS)
        occupation_id = catalog.occupations[profile.isco]
        region_id = region_ids[region_code]
        if status in OPEN_STATUSES:
            key = hash((title.lower(), occupation_id, region_id, org_id))
            if key in open_keys:
                status = "closed"
            else:
                open_keys.add(key)
        if status in ("published", "paused"):
            published = now - timedelta(seconds=rng.randint(60, 30 * 86400))
            # A few the nightly expiry has not reached yet: published, but past their date.
            expires = (
                published + timedelta(days=30) if rng.random() > 0.03 else now - timedelta(hours=rng.randint(1, 20))
            )
        elif status in ("closed", "filled", "expired"):
            published = now - timedelta(seconds=rng.randint(31 * 86400, 365 * 86400))
            expires = published + timedelta(days=30)
        else:
            published = expires = None
        created = (published or now) - timedelta(seconds=rng.randint(600, 3 * 86400))
        updated = min(now, (published or created) + timedelta(seconds=rng.randint(0, 2 * 86400)))

        salary_min = salary_max = None
        shape = rng.random()
        if shape < 0.85:
            base = int(profile.salary * rng.uniform(0.7, 1.4) / 10_000) * 10_000
            if shape < 0.70:
                salary_min, salary_max = base, int(base * rng.uniform(1.1, 1.7) / 10_000) * 10_000
            elif shape < 0.80:
                salary_min = base
            else:
                salary_max = base
        employment = _weighted(rng, EMPLOYMENT_WEIGHTS)
        is_remote = employment == "remote" or rng.random() < profile.remote_share
        positions = rng.choice((1, 1, 1, 2, 3, 5, 10))
        yield (
            org_id, "", title, occupation_id, "\n".join(paragraphs), duties, requirements,
            rng.choice(catalog.education_levels) if rng.random() < 0.7 else None, experience, skills_text,
            rng.choice((["ru"], ["kk", "ru"], ["kk"], ["ru", "en"], [])), salary_min, salary_max, rng.random() < 0.8,
            catalog.employment_types[employment],
            catalog.schedules["remote_schedule" if is_remote and rng.random() < 0.5 else _weighted(rng, SCHEDULE_WEIGHTS)],
            region_id, CITIES.get(region_code, ""), "", is_remote, positions, 0,
            experience == 0 and rng.random() < 0.6, rng.random() < 0.05, rng.random() < 0.4,
            rng.choice(catalog.projects) if catalog.projects and rng.random() < 0.03 else None,
            "", "", "", status, "", published, expires, created, updated,
        )  # fmt: skip


def _load_worker(index: int, count: int, catalog: Catalog, seed: int, conninfo: dict, progress) -> None:
    """One COPY stream: generates its share of rows and sends them in batches."""
    import psycopg

    sql = f"COPY vacancies_vacancy ({', '.join(COPY_COLUMNS)}) FROM STDIN"
    rows = vacancy_rows(count, catalog, seed)
    with psycopg.connect(**conninfo) as conn:
        conn.execute("SET synchronous_commit = off")
        try:
            # The rows reference existing catalog and employer ids by construction: skipping
            # the per-row foreign-key triggers is the usual bulk-load shortcut (superuser only).
            conn.execute("SET session_replication_role = replica")
        except psycopg.Error:
            conn.rollback()
        sent = 0
        while sent < count:
            batch = min(BATCH_ROWS, count - sent)
            with conn.cursor() as cursor, cursor.copy(sql) as copy:
                for done in range(batch):
                    copy.write_row(next(rows))
                    if done % 1000 == 999:
                        with progress.get_lock():
                            progress.value += 1000
            conn.commit()
            with progress.get_lock():
                progress.value += batch % 1000
            sent += batch


# --- The benchmark database -----------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
    # Production-like request handling: no query log, persistent database connections, and
    # the anonymous throttle (still consulted on every request) set high enough never to
    # refuse the benchmark.
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_CONN_MAX_AGE"] = "60"
    os.environ["API_THROTTLE_ANON"] = "100000000/minute"
    import django

    django.setup()


def _conninfo() -> dict:
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("server_side_binding", None)
    return params


META_TABLE = "bench_search_meta"


def loaded_state() -> tuple[int, int | None, datetime | None]:
    from django.db import connection

    from vacancies.models import Vacancy

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (vacancies bigint, generator int, loaded_at timestamptz)"
        )
        cursor.execute(f"SELECT vacancies, generator, loaded_at FROM {META_TABLE}")
        row = cursor.fetchone()
    count = Vacancy.objects.count()
    if row is None or row[0] != count:
        return count, None, None
    return count, row[1], row[2]


def _seed_employers(rng: random.Random, organizations: int) -> tuple[list[tuple[int, str]], list[int]]:
    from accounts.models import Organization
    from accounts.validators import make_bin
    from catalog.models import Industry, Region
    from vacancies.models import NationalProgramme, NationalProject

    industries = list(Industry.objects.all())
    regions = list(Region.objects.all())
    created, serial = [], 0
    for index in range(organizations):
        while (bin_ := make_bin(2010 + index % 14, 1 + index % 12, 4, serial)) is None:
            serial += 1
        serial += 1
        name = f"ТОО «{ORG_PREFIXES[index % len(ORG_PREFIXES)]} {ORG_SUFFIXES[index // len(ORG_PREFIXES) % len(ORG_SUFFIXES)]}"
        name += f" {index // (len(ORG_PREFIXES) * len(ORG_SUFFIXES)) + 1}»" if index >= 400 else "»"
        created.append(
            Organization(
                bin=bin_,
                legal_name=name,
                region=rng.choice(regions),
                industry=rng.choice(industries),
                size=rng.choice([choice for choice, _ in Organization.Size.choices]),
                status=Organization.Status.VERIFIED,
            )
        )
    Organization.objects.bulk_create(created)
    programme = NationalProgramme.objects.create(code="bench", name_en="Benchmark programme")
    projects = NationalProject.objects.bulk_create(
        NationalProject(
            programme=programme, name=f"Project {i}", region=rng.choice(regions), start_year=2024, end_year=2027
        )
        for i in range(12)
    )
    return [(o.pk, o.legal_name) for o in Organization.objects.order_by("pk")], [p.pk for p in projects]


def _vacancy_indexes(cursor) -> list[tuple[str, str]]:
    """Indexes of the vacancy table that no constraint owns (those stay: the primary key)."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = 'vacancies_vacancy' AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
        ORDER BY i.indexname
        """
    )
    return cursor.fetchall()


def _build_indexes(conninfo: dict, definitions: list[str]) -> None:
    import psycopg

    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        for definition in definitions:
            conn.execute(definition)


def load(count: int, *, organizations: int, seed: int) -> dict:
    """Empty the vacancy tables and load ``count`` vacancies; returns the timings."""
    from django.db import connection, connections
    from tqdm import tqdm

    from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule

    timings = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE vacancies_vacancy, vacancies_nationalproject, vacancies_nationalprogramme, accounts_organization, "
            f"{META_TABLE} RESTART IDENTITY CASCADE"
        )
    rng = random.Random(seed)
    org_rows, project_ids = _seed_employers(rng, organizations)
    skills = {s.code: (s.name_ru, s.name_kk, s.name_en) for s in Skill.objects.all()}
    catalog = Catalog(
        occupations={o.code: o.pk for o in Occupation.objects.filter(level=4)},
        regions=[(r.code, r.pk) for r in Region.objects.order_by("code")],
        employment_types={e.code: e.pk for e in EmploymentType.objects.all()},
        schedules={s.code: s.pk for s in WorkSchedule.objects.all()},
        education_levels=list(EducationLevel.objects.values_list("pk", flat=True)),
        skills=skills,
        organizations=org_rows,
        projects=project_ids,
    )
    with connection.cursor() as cursor:
        indexes = _vacancy_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    conninfo = _conninfo()
    connections.close_all()  # no connection may cross the fork below

    # Each worker gets its own employers, so the duplicate check never spans two workers.
    context = multiprocessing.get_context("fork")
    progress = context.Value("q", 0)
    workers = []
    for index in range(LOAD_WORKERS):
        share = count // LOAD_WORKERS + (1 if index < count % LOAD_WORKERS else 0)
        part = Catalog(**{**catalog.__dict__, "organizations": org_rows[index::LOAD_WORKERS]})
        worker = context.Process(target=_load_worker, args=(index, share, part, seed * 100 + index, conninfo, progress))
        worker.start()
        workers.append(worker)
    with tqdm(total=count, desc="vacancies (COPY)", unit="row", unit_scale=True) as bar:
        while any(worker.is_alive() for worker in workers):
            time.sleep(0.5)
            bar.update(progress.value - bar.n)
        bar.update(progress.value - bar.n)
    if any(worker.exitcode for worker in workers):
        raise SystemExit("a load worker failed")
    timings["copy_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    # The GIN index is the long one: build it beside all the b-trees, one core each.
    gin = [definition for name, definition in indexes if "USING gin" in definition]
    btrees = [definition for name, definition in indexes if "USING gin" not in definition]
    threads = [threading.Thread(target=_build_indexes, args=(conninfo, group)) for group in (gin, btrees)]
    print(f"building {len(indexes)} indexes…", flush=True)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings["index_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    import psycopg

    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) vacancies_vacancy")
        conn.execute("ANALYZE accounts_organization")
        conn.execute(
            f"INSERT INTO {META_TABLE} (vacancies, generator, loaded_at) VALUES (%s, %s, now())",
            [count, GENERATOR_VERSION],
        )
    timings["analyze_seconds"] = time.perf_counter() - started
    return timings


# --- Measuring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    label: str
    params: dict


SCENARIOS = [
    Scenario("ru word", {"q": "сварщик"}),
    Scenario("ru plural + 2 regions", {"q": "сварщики", "region": ["KZ-71", "KZ-75"]}),
    Scenario("kk word", {"q": "дәнекерлеуші"}),
    Scenario("kk words + youth", {"q": "мұғалімі қазақ", "youth": "true"}),
    Scenario("en words + remote", {"q": "python developer", "remote": "true"}),
    Scenario("minus", {"q": "сварщик -помощник"}),
    Scenario("phrase", {"q": '"ручная дуговая сварка"'}),
    Scenario("or + salary", {"q": "бухгалтер or экономист", "salary_min": "400000"}),
    Scenario("ru word, date, type, 7 days", {"q": "водитель", "employment_type": "full_time", "posted_within_days": "7", "sort": "date"}),
    Scenario("ru word, salary sort, experience", {"q": "повар", "experience_max": "1", "sort": "salary"}),
    Scenario("ru 2 words + occupation group", {"q": "медицинская сестра", "occupation": "3", "region": "KZ-75"}),
    Scenario("rare word", {"q": "взрывник карьер"}),
]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def naive_queryset(params: dict):
    """The same filters, ``icontains`` on title and description for the query's words, newest
    first, first page: the search one would write without a full-text index."""
    from django.db.models import Q
    from django.http import QueryDict

    from vacancies.forms.search import VacancySearchForm
    from vacancies.selectors.search import search_terms_parse, vacancy_search_matches

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    form = VacancySearchForm(query)
    if not form.is_valid():
        raise SystemExit(f"scenario {params} is not valid: {form.errors.as_json()}")
    arguments = form.search_arguments()
    condition = None
    for group in search_terms_parse(arguments["query"]):
        group_condition = Q()
        for term in group:
            words = [term.text] if term.phrase else term.text.split()
            term_condition = Q()
            for word in words:
                term_condition &= Q(title__icontains=word) | Q(description__icontains=word)
            group_condition &= ~term_condition if term.negated else term_condition
        condition = group_condition if condition is None else condition | group_condition
    queryset = vacancy_search_matches(search_query=None, filters=arguments["filters"])
    if condition is not None:
        queryset = queryset.filter(condition)
    return queryset.select_related("organization", "region", "occupation", "employment_type", "schedule").order_by(
        "-published_at", "-id"
    )[: arguments["page_size"]]


def measure(*, runs: int, naive_runs: int, warmup: int, explain: bool) -> dict:
    import psycopg
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    raw = psycopg.connect(**_conninfo(), autocommit=True)
    results = []
    api_all, sql_all, naive_all = [], [], []
    for scenario in SCENARIOS:
        for _ in range(warmup):
            response = client.get(API_URL, scenario.params)
            if response.status_code != 200:
                raise SystemExit(f"{scenario.label}: HTTP {response.status_code} {response.content[:500]!r}")
        with CaptureQueriesContext(connection) as captured:
            body = client.get(API_URL, scenario.params).json()
        statements = [query["sql"] for query in captured.captured_queries]
        if explain:
            page_sql = max(statements, key=len)
            plan = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + page_sql).fetchall()
            print(f"\n--- {scenario.label}: the page query\n" + "\n".join(row[0] for row in plan))
        naive = naive_queryset(scenario.params)
        list(naive.all())

        api, sql, naive_times = [], [], []
        for run in range(runs):
            started = time.perf_counter()
            client.get(API_URL, scenario.params)
            api.append((time.perf_counter() - started) * 1000)

            started = time.perf_counter()
            for statement in statements:
                raw.execute(statement).fetchall()
            sql.append((time.perf_counter() - started) * 1000)

            if run < naive_runs:
                started = time.perf_counter()
                list(naive.all())
                naive_times.append((time.perf_counter() - started) * 1000)
        api_all += api
        sql_all += sql
        naive_all += naive_times
        results.append(
            {
                "label": scenario.label,
                "params": scenario.params,
                "statements": len(statements),
                "total_estimate": body["total_estimate"],
                "total_capped": body["total_capped"],
                "api_p50_ms": percentile(api, 50),
                "api_p95_ms": percentile(api, 95),
                "sql_p50_ms": percentile(sql, 50),
                "sql_p95_ms": percentile(sql, 95),
                "naive_p50_ms": percentile(naive_times, 50),
                "naive_p95_ms": percentile(naive_times, 95),
            }
        )
        row = results[-1]
        print(
            f"{row['label'][:34]:<34} {('>' if row['total_capped'] else '') + str(row['total_estimate']):>6} "
            f"{row['api_p50_ms']:8.1f} {row['api_p95_ms']:8.1f} {row['sql_p50_ms']:8.1f} {row['sql_p95_ms']:8.1f} "
            f"{row['naive_p50_ms']:9.1f} {row['naive_p95_ms']:9.1f}",
            flush=True,
        )
    raw.close()
    return {
        "api_p50_ms": percentile(api_all, 50),
        "api_p95_ms": percentile(api_all, 95),
        "sql_p50_ms": percentile(sql_all, 50),
        "sql_p95_ms": percentile(sql_all, 95),
        "naive_p50_ms": percentile(naive_all, 50),
        "naive_p95_ms": percentile(naive_all, 95),
        "api_mean_ms": statistics.fmean(api_all),
        "sql_mean_ms": statistics.fmean(sql_all),
        "queries": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--vacancies", type=int, required=True, help="how many vacancies the database should hold")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as one JSON object")
    parser.add_argument(
        "--database-url", help=f"benchmark database (default: {BENCH_DATABASE} on DATABASE_URL's server)"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query for api and sql (default 20)")
    parser.add_argument(
        "--naive-runs", type=int, default=5, help="timed runs per query of the naive search (default 5)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per query first (default 3)")
    parser.add_argument(
        "--organizations", type=int, default=300, help="employers to spread vacancies over (default 300)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reload", action="store_true", help="reload even if the database already holds N vacancies")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page query")
    args = parser.parse_args(argv)
    if args.vacancies < 1:
        parser.error("--vacancies must be at least 1")

    url = common.bench_database_url(BENCH_DATABASE, args.database_url)
    common.ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("loadcatalog", verbosity=0)
    count, generator, loaded_at = loaded_state()
    stale = loaded_at is None or (datetime.now(UTC) - loaded_at) > timedelta(days=2)
    timings = {}
    if args.reload or count != args.vacancies or generator != GENERATOR_VERSION or stale:
        print(f"loading {args.vacancies:,} vacancies into {connection.settings_dict['NAME']} (held {count:,})")
        started = time.perf_counter()
        timings = load(args.vacancies, organizations=args.organizations, seed=args.seed)
        timings["load_seconds"] = time.perf_counter() - started
        print(
            "loaded in {load_seconds:.0f} s: COPY {copy_seconds:.0f} s, indexes {index_seconds:.0f} s, "
            "VACUUM ANALYZE {analyze_seconds:.0f} s".format(**timings)
        )
    else:
        print(f"reusing {count:,} vacancies in {connection.settings_dict['NAME']} (loaded {loaded_at:%Y-%m-%d %H:%M})")

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM vacancies_vacancy WHERE status = 'published' AND expires_at > now()")
        searchable = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0]
    print(f"{searchable:,} of {args.vacancies:,} vacancies are open for search; {server.split(',')[0]}")
    print(
        f"\n{'query':<34} {'found':>6} {'api p50':>8} {'api p95':>8} {'sql p50':>8} {'sql p95':>8} "
        f"{'naive p50':>9} {'naive p95':>9}   (ms; {args.runs} runs, naive {args.naive_runs})"
    )
    figures = measure(runs=args.runs, naive_runs=args.naive_runs, warmup=args.warmup, explain=args.explain)
    figures["api_over_sql_p95"] = figures["api_p95_ms"] / figures["sql_p95_ms"]
    figures["naive_over_api_p50"] = figures["naive_p50_ms"] / figures["api_p50_ms"]
    print(
        f"\n{'all queries':<41} {figures['api_p50_ms']:8.1f} {figures['api_p95_ms']:8.1f} "
        f"{figures['sql_p50_ms']:8.1f} {figures['sql_p95_ms']:8.1f} {figures['naive_p50_ms']:9.1f} "
        f"{figures['naive_p95_ms']:9.1f}"
    )
    verdict = {True: "ok", False: "MISSED"}
    print(
        f"api p95 / sql p95   = {figures['api_over_sql_p95']:.2f}  (target <= 2: "
        f"{verdict[figures['api_over_sql_p95'] <= 2]})\n"
        f"naive p50 / api p50 = {figures['naive_over_api_p50']:.1f}  (target >= 50 at 1M: "
        f"{verdict[figures['naive_over_api_p50'] >= 50]})"
    )
    if args.json:
        document = {
            "vacancies": args.vacancies,
            "searchable_vacancies": searchable,
            "server": server,
            "runs": args.runs,
            "naive_runs": args.naive_runs,
            **timings,
            **figures,
        }
        Path(args.json).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
