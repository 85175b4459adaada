"""Write a deterministic synthetic corpus of press releases for benchmarks.

    python bench/make_corpus.py 10000 /tmp/corpus10k

The same N gives the same bytes, wherever DIR is: file ``i`` is drawn from a
``random.Random`` seeded from a fixed string and ``i``, never from the clock.
Files land in ``DIR/YYYY/MM/slug-NNNNN.ext`` by release date (2023-01 to 2026-10),
about 5 KB each, with formats interleaved evenly in these proportions:

- 40 % English plain text: the reference layout (single line breaks, "Photo: ORG",
  "For more information please contact ..."), wire style (hard-wrapped at 72,
  /PRNewswire/-type datelines, About, contact block, "###"), UK style (embargo line,
  "-ENDS-", notes to editors) and pages copied from a web newsroom (breadcrumb and
  bare date above the title, "Media contact: a | b | c");
- 30 % Markdown with YAML front matter, 15 % Markdown with TOML front matter;
- 15 % plain text in French, Spanish, German or Arabic, dated in that language
  ("3 mai 2024", "5 de septiembre de 2025", "12. März 2025", "12 مارس 2025").

About 3 % are embargoed, a fifth carry a photo, about 2 % of all files are
drafts (Markdown only), and a few plain-text files have CRLF line ends or a BOM.
Text is filled in from templates over a fixed vocabulary, so files differ but
read like releases. Standard library only; importable as ``make_corpus(n, dir)``.
"""

from __future__ import annotations

import random
import re
import string
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

SEED = "feeds-bench-corpus-v1"
FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2026, 10, 31)
MEAN_BYTES = 4900
SD_BYTES = 700

FORMAT_WEIGHTS = (
    ("text-en", 40),
    ("md-yaml", 30),
    ("md-toml", 15),
    ("text-fr", 5),
    ("text-es", 4),
    ("text-de", 3),
    ("text-ar", 3),
)
TEXT_EN_STYLES = (("reference", 30), ("wire", 30), ("uk", 25), ("web", 15))
EMBARGO_RATE = 0.035
PHOTO_RATE = 0.2
DRAFT_RATE_MD = 0.045  # of Markdown files, ~2 % overall
CRLF_RATE = 0.02  # plain text saved on Windows
BOM_RATE = 0.01

TAGS = (
    "water", "climate", "migration", "health", "funding", "sanitation", "drought",
    "floods", "refugees", "cities", "agriculture", "energy", "gender", "children",
    "research", "partnerships", "emergencies", "governance", "education", "technology",
)

# --------------------------------------------------------------------------- places
# (English city, country, UTC offset in minutes as written in front matter)
PLACES = (
    ("Geneva", "Switzerland", 60), ("Nairobi", "Kenya", 180), ("Amman", "Jordan", 180),
    ("Dhaka", "Bangladesh", 360), ("Niamey", "Niger", 60), ("Bogotá", "Colombia", -300),
    ("Manila", "the Philippines", 480), ("Addis Ababa", "Ethiopia", 180),
    ("Beirut", "Lebanon", 120), ("Lima", "Peru", -300), ("Dakar", "Senegal", 0),
    ("Kampala", "Uganda", 180), ("Tunis", "Tunisia", 60), ("Maputo", "Mozambique", 120),
    ("Kathmandu", "Nepal", 345), ("Bangkok", "Thailand", 420), ("Brussels", "Belgium", 60),
    ("New York", "the United States", -300), ("London", "the United Kingdom", 0),
    ("Istanbul", "Türkiye", 180), ("Juba", "South Sudan", 120), ("Bamako", "Mali", 0),
    ("Port-au-Prince", "Haiti", -300), ("Tegucigalpa", "Honduras", -360),
    ("Islamabad", "Pakistan", 300), ("Cox's Bazar", "Bangladesh", 360),
    ("Mogadishu", "Somalia", 180), ("Lusaka", "Zambia", 120), ("Erbil", "Iraq", 180),
    ("Quito", "Ecuador", -300),
)

ORGS = (
    ("Tidewell Alliance", "Tidewell"),
    ("Harbourside Water Authority", "HWA"),
    ("Northgate Relief Network", "Northgate"),
    ("Meridian Health Collective", "Meridian"),
    ("Lakeshore Climate Institute", "LCI"),
    ("Amberfield Foundation", "Amberfield"),
    ("Clearspring Development Trust", "Clearspring"),
    ("Riverbend Migration Council", "RMC"),
    ("Stonebridge Institute for Cities", "Stonebridge"),
    ("Greyfell Humanitarian Forum", "GHF"),
    ("Saltmarsh Resilience Fund", "the Fund"),
    ("Kestrel Children's Trust", "Kestrel"),
)
DONORS = (
    "the Brightwater Foundation", "the Alder Trust", "the Calloway Family Foundation",
    "the Northern Lights Fund", "the Meadowbank Trust", "the Orchard Philanthropy Group",
    "the Cobalt Bay Foundation", "a group of private donors", "the Hollins Charitable Trust",
)
WIRES = ("PRNewswire", "GLOBE NEWSWIRE", "BUSINESS WIRE", "NewMediaWire", "24-7PressRelease")

FIRST_NAMES = (
    "Amina", "Tomás", "Maren", "Kwame", "Priya", "Sofia", "Youssef", "Hannah", "Daniel",
    "Mariam", "Jonas", "Layla", "Ibrahim", "Claire", "Nasrin", "Halima", "Rafael", "Elena",
    "Kenji", "Aisha", "Oleksandr", "Grace", "Mateo", "Fatou", "Lars", "Chloé", "Samir",
    "Ingrid", "Tariq", "Lucía", "Moses", "Anika", "Hugo", "Zainab", "Pedro", "Marta",
)
LAST_NAMES = (
    "Holt", "Ferreira", "Okafor", "Raman", "Brandt", "Benali", "Mwangi", "Touré", "Akter",
    "Roba", "Whitfield", "Haddad", "Maïga", "Dumoulin", "Asante", "Lindqvist", "Sissoko",
    "Vasquez", "Nakamura", "Osei", "Kovalenko", "Achieng", "Herrera", "Diallo", "Nilsson",
    "Morel", "Khoury", "Berg", "Rahman", "Ortega", "Kiprono", "Schulz", "Lefebvre",
    "Idris", "Santos", "Novak",
)

# --------------------------------------------------------------------------- English
EN = {
    "beneficiaries": (
        "people", "households", "families", "children", "farmers", "pastoralists",
        "students", "patients", "health workers", "women and girls", "young people",
        "residents", "displaced families", "returnees", "refugees", "host families",
    ),
    "place_type": (
        "towns", "villages", "settlements", "districts", "neighbourhoods", "camps",
        "municipalities", "river basins", "provinces", "informal settlements",
    ),
    "noun": (
        "water points", "boreholes", "latrines", "storage tanks", "pipelines", "clinics",
        "treatment plants", "pumping stations", "irrigation canals", "handwashing stations",
        "rainwater harvesting systems", "solar-powered pumps", "early-warning systems",
        "water towers", "shallow wells", "school sanitation blocks",
        "drainage channels", "desalination units", "water kiosks", "flood shelters",
    ),
    "verb": (
        "repair", "build", "upgrade", "extend", "maintain", "rehabilitate", "monitor",
        "protect", "restore", "expand", "install", "equip",
    ),
    "adj": (
        "reliable", "affordable", "safe", "sustainable", "community-led", "climate-resilient",
        "low-cost", "long-term", "gender-responsive", "locally owned", "well-maintained",
        "accessible", "modern", "decentralised",
    ),
    "partner": (
        "the national water authority", "the ministry of health", "municipal councils",
        "local civil society groups", "the regional development bank", "university researchers",
        "private operators", "the district health office", "community water committees",
        "faith-based organisations", "women's associations", "the national meteorological service",
        "youth volunteers", "the ministry of agriculture", "local engineering firms",
    ),
    "timeframe": (
        "over the next two years", "by the end of the year", "before the rainy season",
        "within eighteen months", "during the first phase", "over the coming months",
        "by 2027", "this autumn", "early next year", "before the dry season",
    ),
    "challenge": (
        "drought", "flooding", "rising temperatures", "population growth", "displacement",
        "ageing infrastructure", "water-borne disease", "the salinisation of groundwater",
        "rapid urbanisation", "conflict", "erratic rainfall", "soaring food prices",
        "power cuts", "cholera outbreaks",
    ),
    "result": (
        "cut waiting times at water points", "reduce cases of diarrhoeal disease",
        "lower the cost of water for the poorest households", "keep children in school",
        "help families stay on their land", "reduce tensions over scarce resources",
        "improve hygiene in schools and clinics", "protect crops and livestock",
        "give women more time for paid work", "prepare towns for the next flood",
        "make health centres safer for mothers and newborns",
    ),
    "role": (
        "Executive Director", "Head of Programmes", "Country Director",
        "Chief Executive Officer", "Regional Director", "Director of Research",
        "Senior Adviser on Climate", "Head of Partnerships", "Programme Manager",
        "Chair of the Board", "Deputy Director", "Head of Emergencies",
    ),
    "report_noun": ("study", "assessment", "survey", "evaluation", "analysis", "review"),
    "finding": ("found", "shows", "estimates", "confirms", "suggests"),
    "period": ("three months", "six months", "quarter", "year", "month"),
    "site": ("site", "water point", "station", "facility", "scheme", "village system"),
    "share": ("half", "a third", "40 percent", "two of every five"),
    "check": (
        "water quality and the state of the equipment", "chlorine levels and water pressure",
        "how the committee's accounts are kept", "whether repairs were carried out on time",
        "how much users are paying", "the condition of pumps, pipes and taps",
    ),
    "donor": DONORS,
}
EN_SENTENCES = (
    "The programme will {verb} {noun} for {n} {beneficiaries} in {m} {place_type} across {country}.",
    "Work is expected to begin {timeframe}, in close cooperation with {partner} and {partner}.",
    "According to {org_short}, {pct} of {beneficiaries} in the area lack {adj} access to water because of {challenge}.",
    "The initiative aims to {result} and to {result}.",
    "A recent {report_noun} by {partner} {finding} that {pct} of {noun} in the {place_type} of {country} are no longer working.",
    "In {city}, {partner} will {verb} {c} {noun} and train {m} local technicians to keep them running.",
    "Funding of {money} has been provided by {donor}, with additional support from {donor}.",
    "{Challenge} and {challenge} have already forced {n} {beneficiaries} to leave their homes in the past {k} years.",
    "Each {site} will be managed by a local committee, and at least {share} of its members will be women.",
    "Early results show that the project has helped to {result} in {m} pilot {place_type}.",
    "The project team will publish progress updates every {period} and share its data with {partner}.",
    "Over the past {k} years, {org_short} has worked with {partner} to {verb} more than {c} {noun} in {country} and neighbouring countries.",
    "Officials say that {adj} {noun} are essential if {place_type} are to cope with {challenge}.",
    "The next phase will focus on {place_type} where the effects of {challenge} are most severe, including parts of {country}.",
    "Participants agreed on a joint plan to {verb} {noun} and to share information on {challenge}.",
    "The cost of running the new {noun} is expected to fall by {pct} thanks to {adj} designs and local maintenance.",
    "Local authorities have committed to cover {pct} of operating costs from {year}.",
    "Independent monitors will visit each {site} every {period} to check {check}.",
    "More than {n} {beneficiaries} took part in consultations before the plans for the {noun} were finalised.",
    "The {report_noun} also {finding} that the poorest {beneficiaries} spend up to {pct} of their income on water during periods of {challenge}.",
    "{Partner} welcomed the decision and said it would {verb} {noun} in a further {m} {place_type}.",
    "The agreement signed in {city} sets out how {partner} and {org_short} will share responsibility for {noun}.",
)
EN_QUOTES = (
    "This is an important step for the {beneficiaries} of {city}.",
    "We cannot wait for the next crisis before we act on {challenge}.",
    "{Adj} {noun} are not a luxury; they are what allows families to stay and plan for the future.",
    "Our partners in {country} have shown what is possible when communities lead.",
    "We hope this will help to {result}.",
    "Every franc invested in {noun} today saves lives and money tomorrow.",
    "The real test will be whether the {noun} are still working in ten years.",
    "We are grateful to {donor} for their trust and their long-term commitment.",
    "Problems like {challenge} do not respect borders, and neither can our response.",
    "What we have learned in {city} can help {place_type} across the region.",
)
EN_SUBHEADS = (
    "What the programme will do", "Background", "Key findings", "How the money will be spent",
    "Next steps", "Why it matters", "What happens now", "Results so far", "The situation on the ground",
)
EN_TITLE_VERBS = (
    "Launches", "Opens", "Expands", "Announces", "Completes", "Welcomes", "Publishes",
    "Calls for", "Signs Agreement on", "Renews", "Scales Up", "Unveils", "Secures Funding for",
)
EN_TITLE_OBJECTS = (
    "Water Network", "Sanitation Programme", "Drought Response Plan", "Health Partnership",
    "Early-Warning System", "Report on Urban Displacement", "Funding Round",
    "Flood Recovery Plan", "School Water Initiative", "Clinic Water Upgrade",
    "Groundwater Survey", "Cholera Prevention Campaign", "Climate Adaptation Fund",
    "Solar Pumping Project", "Rainwater Harvesting Scheme", "Migration and Water Study",
)
EN_TITLE_ADJ = (
    "New", "Regional", "National", "Community", "Emergency", "Five-Year", "Pilot", "Joint",
    "Urban", "Rural", "Cross-Border", "Second", "Expanded",
)
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)

# --------------------------------------------------------------------------- French
FR = {
    "beneficiaries": (
        "personnes", "ménages", "familles", "enfants", "agriculteurs", "éleveurs",
        "habitants", "familles déplacées", "femmes", "jeunes", "patients", "réfugiés",
    ),
    "noun": (
        "points d’eau", "forages", "latrines", "réservoirs", "canalisations",
        "centres de santé", "stations de pompage", "systèmes d’alerte précoce",
        "bornes-fontaines", "stations d’épuration", "pompes solaires", "blocs sanitaires scolaires",
    ),
    "verb": ("réhabiliter", "construire", "moderniser", "rénover", "protéger", "remettre en état", "sécuriser"),
    "challenge": (
        "la sécheresse", "les inondations", "la hausse des températures", "les déplacements de population",
        "le vieillissement des infrastructures", "le choléra", "l’urbanisation rapide",
        "la salinisation des nappes", "les pluies irrégulières", "la flambée des prix alimentaires",
    ),
    "partner": (
        "les autorités locales", "le ministère de la Santé", "les communes", "la société civile",
        "les comités villageois", "les universités partenaires", "l’office national de l’eau",
        "les associations de femmes", "les services techniques municipaux",
    ),
    "result": (
        "réduire les maladies d’origine hydrique", "raccourcir les files d’attente aux points d’eau",
        "maintenir les enfants à l’école", "faire baisser le prix de l’eau",
        "permettre aux familles de rester sur leurs terres", "apaiser les tensions autour des ressources",
        "mieux préparer les villes aux crues", "améliorer l’hygiène dans les écoles",
    ),
    "timeframe": (
        "d’ici la fin de l’année", "au cours des deux prochaines années", "avant la saison des pluies",
        "dans les dix-huit mois", "dès l’automne", "au début de l’année prochaine",
    ),
    "role": (
        "directrice exécutive", "directeur des programmes", "représentante régionale",
        "chef de mission", "directrice de la recherche", "responsable des partenariats",
    ),
    "donor": ("la Fondation Brightwater", "le Fonds Northern Lights", "la Fondation Calloway", "un groupe de donateurs privés"),
    "site": ("site", "point d’eau", "forage", "réseau", "château d’eau"),
    "share": ("la moitié au moins", "au moins un tiers", "40\u00a0%", "la majorité"),
    "check": ("la qualité de l’eau", "l’état des pompes", "la tenue des comptes", "le prix payé par les usagers"),
    "tverb": ("lance", "étend", "annonce", "inaugure", "publie", "présente", "renouvelle", "finance", "achève"),
    "tobj": (
        "un programme d’accès à l’eau", "un plan de riposte à la sécheresse",
        "une étude sur l’eau et la migration", "un système d’alerte précoce",
        "une campagne contre le choléra", "un fonds d’adaptation au climat",
        "un projet de pompage solaire", "un partenariat pour la santé",
        "une initiative pour l’eau dans les écoles", "un plan de relèvement après les inondations",
        "un réseau régional de l’eau", "une enquête sur les nappes phréatiques",
    ),
}
FR_SENTENCES = (
    "Le programme permettra de {verb} {c} {noun} au bénéfice de {n} {beneficiaries} dans {m} communes.",
    "Les travaux débuteront {timeframe}, en étroite collaboration avec {partner}.",
    "Selon {org_short}, {challenge} prive aujourd’hui {pct} des {beneficiaries} d’un accès sûr à l’eau.",
    "L’initiative vise à {result} et à {result}.",
    "Une étude récente menée avec {partner} montre que {pct} des {noun} ne fonctionnent plus.",
    "Le financement, d’un montant de {money}, est assuré par {donor}.",
    "{Challenge} et {challenge} ont déjà contraint {n} {beneficiaries} à quitter leur foyer.",
    "Chaque {site} sera géré par un comité local dont {share} des membres seront des femmes.",
    "Les premiers résultats montrent que le projet a permis de {result} dans {m} localités pilotes.",
    "Les autorités locales se sont engagées à prendre en charge {pct} des coûts de fonctionnement à partir de {year}.",
    "La prochaine phase portera sur les zones les plus touchées par {challenge}.",
    "Des équipes indépendantes visiteront chaque {site} afin de contrôler {check}.",
    "Plus de {n} {beneficiaries} ont été consultés avant la finalisation des plans, en lien avec {partner}.",
    "Le coût d’exploitation des {noun} devrait baisser de {pct} grâce à une maintenance assurée localement.",
)
FR_QUOTES = (
    "C’est une étape importante pour les {beneficiaries} de la région.",
    "Nous ne pouvons pas attendre la prochaine crise pour agir contre {challenge}.",
    "L’accès à l’eau n’est pas un luxe, c’est ce qui permet aux familles de rester et de se projeter.",
    "Nous espérons que cela contribuera à {result}.",
    "Nous remercions {donor} pour sa confiance et son engagement à long terme.",
)
FR_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
)
FR_CITIES = ("Genève", "Paris", "Dakar", "Niamey", "Bamako", "Tunis", "Bruxelles", "Abidjan", "Port-au-Prince", "Beyrouth")
FR_ORGS = (
    ("L’Alliance Tidewell", "Tidewell"), ("Le Réseau Northgate", "Northgate"),
    ("La Fondation Amberfield", "Amberfield"), ("Le Forum humanitaire Greyfell", "Greyfell"),
    ("Le Conseil Riverbend pour les migrations", "Riverbend"), ("L’Institut Lakeshore", "Lakeshore"),
)

# --------------------------------------------------------------------------- Spanish
ES = {
    "beneficiaries": (
        "personas", "hogares", "familias", "niños y niñas", "agricultores", "mujeres",
        "jóvenes", "familias desplazadas", "pacientes", "personas refugiadas",
    ),
    "noun": (
        "puntos de agua", "pozos", "letrinas", "tanques de almacenamiento", "tramos de tubería",
        "centros de salud", "estaciones de bombeo", "sistemas de alerta temprana",
        "sistemas de captación de lluvia", "plantas potabilizadoras", "bombas solares",
    ),
    "verb": ("rehabilitar", "construir", "ampliar", "mantener", "modernizar", "equipar", "proteger"),
    "challenge": (
        "la sequía", "las inundaciones", "el aumento de las temperaturas", "el desplazamiento forzado",
        "el deterioro de la infraestructura", "el cólera", "la urbanización acelerada",
        "las lluvias irregulares", "el fenómeno de El Niño",
    ),
    "partner": (
        "las autoridades municipales", "el ministerio de salud", "las juntas comunitarias",
        "la sociedad civil", "las universidades socias", "la empresa pública de agua",
        "las organizaciones de mujeres", "los servicios técnicos municipales",
    ),
    "result": (
        "reducir las enfermedades transmitidas por el agua", "acortar las filas en los puntos de agua",
        "mantener a los niños en la escuela", "bajar el precio del agua",
        "permitir que las familias permanezcan en sus tierras", "reducir los conflictos por el agua",
        "preparar mejor a las ciudades frente a las crecidas",
    ),
    "timeframe": (
        "antes de fin de año", "en los próximos dos años", "antes de la temporada de lluvias",
        "en un plazo de dieciocho meses", "a partir del otoño", "a comienzos del próximo año",
    ),
    "role": (
        "directora ejecutiva", "director de programas", "representante regional",
        "jefa de misión", "directora de investigación", "responsable de alianzas",
    ),
    "donor": ("la Fundación Brightwater", "el Fondo Northern Lights", "la Fundación Calloway", "donantes privados"),
    "site": ("sitio", "punto de agua", "pozo", "sistema", "acueducto rural"),
    "share": ("la mitad", "un tercio", "el 40 %", "la mayoría"),
    "check": ("la calidad del agua", "el estado de las bombas", "las cuentas del comité", "las tarifas que pagan los usuarios"),
    "tverb": ("lanza", "amplía", "anuncia", "inaugura", "publica", "presenta", "renueva", "financia", "completa"),
    "tobj": (
        "un programa de acceso al agua", "un plan de respuesta a la sequía",
        "un estudio sobre agua y migración", "un sistema de alerta temprana",
        "una campaña contra el cólera", "un fondo de adaptación climática",
        "un proyecto de bombeo solar", "una alianza por la salud",
        "una iniciativa de agua en las escuelas", "un plan de recuperación tras las inundaciones",
        "una red regional del agua", "un estudio de aguas subterráneas",
    ),
}
ES_SENTENCES = (
    "El programa permitirá {verb} {c} {noun} en beneficio de {n} {beneficiaries} en {m} municipios.",
    "Las obras comenzarán {timeframe}, en estrecha colaboración con {partner}.",
    "Según {org_short}, el {pct} de la población carece de acceso seguro al agua a causa de {challenge}.",
    "La iniciativa busca {result} y {result}.",
    "Un estudio reciente realizado con {partner} muestra que el {pct} de los {noun} ya no funciona.",
    "La financiación, de {money}, procede de {donor}.",
    "{Challenge} y {challenge} ya han obligado a {n} {beneficiaries} a abandonar sus hogares.",
    "Cada {site} será gestionado por un comité local en el que al menos {share} de los miembros serán mujeres.",
    "Los primeros resultados muestran que el proyecto ha ayudado a {result} en {m} localidades piloto.",
    "Las autoridades locales se han comprometido a cubrir el {pct} de los costes de funcionamiento a partir de {year}.",
    "La siguiente fase se centrará en las zonas más afectadas por {challenge}.",
    "Equipos independientes visitarán cada {site} para controlar {check}.",
    "Más de {n} {beneficiaries} participaron en las consultas previas, junto con {partner}.",
)
ES_QUOTES = (
    "Es un paso importante para las familias de la región.",
    "No podemos esperar a la próxima crisis para actuar frente a {challenge}.",
    "El acceso al agua no es un lujo, es lo que permite a las familias quedarse y planificar su futuro.",
    "Esperamos que esto ayude a {result}.",
    "Agradecemos a {donor} su confianza y su compromiso a largo plazo.",
)
ES_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre",
)
ES_CITIES = ("Madrid", "Bogotá", "Lima", "Quito", "Tegucigalpa", "Ciudad de Guatemala", "La Paz", "Ginebra", "Managua", "Panamá")
ES_ORGS = (
    ("La Alianza Tidewell", "Tidewell"), ("La Red Northgate", "Northgate"),
    ("La Fundación Amberfield", "Amberfield"), ("El Foro Humanitario Greyfell", "Greyfell"),
    ("El Consejo Riverbend para las Migraciones", "Riverbend"), ("El Instituto Lakeshore", "Lakeshore"),
)

# --------------------------------------------------------------------------- German
DE = {
    "beneficiaries": (
        "Menschen", "Haushalte", "Familien", "Kinder", "Bäuerinnen und Bauern", "Frauen",
        "Jugendliche", "vertriebene Familien", "Patientinnen und Patienten", "Geflüchtete",
    ),
    "noun": (
        "Wasserstellen", "Brunnen", "Latrinen", "Wassertanks", "Leitungsabschnitte", "Gesundheitsstationen",
        "Pumpstationen", "Frühwarnsysteme", "Zisternen", "Kläranlagen", "Solarpumpen",
    ),
    "challenge_gen": (
        "der Dürre", "der Überschwemmungen", "der steigenden Temperaturen", "der Vertreibung",
        "der veralteten Infrastruktur", "der Cholera", "der raschen Verstädterung",
        "der unregelmäßigen Niederschläge", "der hohen Lebensmittelpreise",
    ),
    "partner": (
        "den lokalen Behörden", "dem Gesundheitsministerium", "den Gemeinderäten",
        "der Zivilgesellschaft", "Partneruniversitäten", "dem staatlichen Wasserversorger",
        "Frauenverbänden", "den kommunalen Wasserwerken",
    ),
    "result": (
        "durch Wasser übertragene Krankheiten zu verringern", "Wartezeiten an den Wasserstellen zu verkürzen",
        "Kindern den Schulbesuch zu ermöglichen", "den Wasserpreis zu senken",
        "Familien das Bleiben auf ihrem Land zu ermöglichen", "Konflikte um Wasser zu entschärfen",
        "Städte besser auf Hochwasser vorzubereiten",
    ),
    "timeframe": (
        "bis Jahresende", "in den kommenden zwei Jahren", "vor Beginn der Regenzeit",
        "innerhalb von achtzehn Monaten", "ab dem Herbst", "Anfang nächsten Jahres",
    ),
    "role": (
        "Geschäftsführerin", "Programmleiter", "Regionaldirektorin", "Landesdirektor",
        "Leiterin der Forschung", "Leiter Partnerschaften",
    ),
    "donor": ("der Brightwater-Stiftung", "dem Northern Lights Fund", "der Calloway-Stiftung", "privaten Spenderinnen und Spendern"),
    "site": ("Standort", "Brunnen", "Wasserkiosk", "Hochbehälter"),
    "share": ("die Hälfte", "ein Drittel", "40 Prozent", "die Mehrheit"),
    "check": ("die Wasserqualität", "den Zustand der Pumpen", "die Kassenführung", "die Wasserpreise"),
    "tverb": ("startet", "erweitert", "eröffnet", "veröffentlicht", "erneuert", "finanziert", "präsentiert", "plant", "unterstützt"),
    "tobj": (
        "Programm für sicheres Wasser", "Notfallplan gegen Dürre", "Studie zu Wasser und Migration",
        "Frühwarnsystem für Hochwasser", "Kampagne gegen Cholera", "Fonds für Klimaanpassung",
        "Solarpumpen-Projekt", "Gesundheitspartnerschaft", "Initiative für Wasser an Schulen",
        "Wiederaufbauplan nach Überschwemmungen", "regionales Wassernetzwerk", "Grundwasserstudie",
    ),
}
DE_SENTENCES = (
    "Mit dem Programm sollen {c} {noun} für {n} {beneficiaries} in {m} Gemeinden entstehen.",
    "Die Arbeiten beginnen {timeframe} in enger Zusammenarbeit mit {partner}.",
    "Nach Angaben von {org_short} haben {pct} der {beneficiaries} wegen {challenge_gen} keinen sicheren Zugang zu Wasser.",
    "Ziel der Initiative ist es, {result} und {result}.",
    "Eine aktuelle Studie mit {partner} zeigt, dass {pct} der {noun} nicht mehr funktionieren.",
    "Die Finanzierung in Höhe von {money} stammt von {donor}.",
    "Wegen {challenge_gen} mussten bereits {n} {beneficiaries} ihr Zuhause verlassen.",
    "Jeder {site} wird von einem lokalen Komitee verwaltet, in dem mindestens {share} der Mitglieder Frauen sind.",
    "Erste Ergebnisse zeigen, dass es gelungen ist, in {m} Pilotorten {result}.",
    "Die Behörden vor Ort haben zugesagt, {pct} der Betriebskosten ab {year} zu übernehmen.",
    "Die nächste Phase konzentriert sich auf die am stärksten betroffenen Regionen.",
    "Unabhängige Teams werden jeden {site} besuchen und {check} prüfen.",
    "Vor Beginn der Planung wurden mehr als {n} {beneficiaries} gemeinsam mit {partner} befragt.",
)
DE_QUOTES = (
    "Das ist ein wichtiger Schritt für die {beneficiaries} in der Region.",
    "Wir können nicht auf die nächste Krise warten.",
    "Zugang zu Wasser ist kein Luxus, sondern die Voraussetzung dafür, dass Familien bleiben und planen können.",
    "Wir hoffen, damit einen Beitrag zu leisten, um {result}.",
    "Wir danken {donor} für das Vertrauen und die langfristige Unterstützung.",
)
DE_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
    "September", "Oktober", "November", "Dezember",
)
DE_CITIES = ("Berlin", "Bonn", "Wien", "Zürich", "Genf", "Hamburg", "Nairobi", "Amman", "Dhaka", "Bern")
DE_ORGS = (
    ("Tidewell-Allianz", "Tidewell"), ("Northgate-Hilfsnetzwerk", "Northgate"),
    ("Amberfield-Stiftung", "Amberfield"), ("Greyfell-Forum", "Greyfell"),
    ("Riverbend-Migrationsrat", "Riverbend"), ("Lakeshore-Institut", "Lakeshore"),
)

# --------------------------------------------------------------------------- Arabic
AR = {
    "beneficiaries": ("شخص", "أسرة", "طفل", "مزارع", "امرأة", "شاب", "مريض", "نازح", "لاجئ"),
    "noun": (
        "نقاط المياه", "الآبار", "المراحيض", "خزانات المياه", "شبكات الأنابيب", "المراكز الصحية",
        "محطات الضخ", "أنظمة الإنذار المبكر", "لجان المياه", "محطات التحلية", "المضخات الشمسية",
    ),
    "challenge": (
        "الجفاف", "الفيضانات", "ارتفاع درجات الحرارة", "النزوح", "تهالك البنية التحتية",
        "الكوليرا", "التوسع العمراني السريع", "شح الأمطار", "ملوحة المياه الجوفية",
    ),
    "partner": (
        "السلطات المحلية", "وزارة الصحة", "المجالس البلدية", "منظمات المجتمع المدني",
        "الجامعات الشريكة", "الهيئة الوطنية للمياه", "الجمعيات النسائية",
    ),
    "result": (
        "الحد من الأمراض المنقولة بالمياه", "تقليص فترات الانتظار عند نقاط المياه",
        "إبقاء الأطفال في المدارس", "خفض أسعار المياه", "تمكين الأسر من البقاء في أراضيها",
        "تخفيف التوترات حول الموارد الشحيحة", "تحسين النظافة في المدارس والمراكز الصحية",
    ),
    "timeframe": (
        "قبل نهاية العام", "خلال العامين المقبلين", "قبل موسم الأمطار", "في غضون ثمانية عشر شهراً",
        "اعتباراً من الخريف",
    ),
    "role": (
        "المديرة التنفيذية", "مدير البرامج", "الممثلة الإقليمية", "رئيس البعثة",
        "مديرة البحوث", "مسؤول الشراكات",
    ),
    "donor": ("مؤسسة برايتووتر", "صندوق نورثرن لايتس", "مؤسسة كالواي", "مانحين من القطاع الخاص"),
    "site": ("كل موقع", "كل بئر", "كل محطة", "كل نقطة مياه"),
    "share": ("نصف", "ثلث", "40% من"),
    "check": ("جودة المياه وحالة المعدات", "انتظام الضخ", "سلامة الحسابات", "أسعار المياه"),
    "tverb": ("يطلق", "يوسّع", "يعلن عن", "يستكمل", "يدشّن", "يموّل", "يجدّد"),
    "tobj": (
        "مشروع إعادة تأهيل الآبار", "برنامج الإنذار المبكر من الفيضانات", "خطة الاستجابة للجفاف",
        "شراكة الصحة والمياه", "مبادرة المياه في المدارس", "صندوق التكيف مع المناخ",
        "حملة الوقاية من الكوليرا", "مشروع المضخات الشمسية", "برنامج حصاد مياه الأمطار",
        "دراسة المياه والهجرة", "مسح المياه الجوفية", "خطة التعافي من الفيضانات",
    ),
}
AR_SENTENCES = (
    "ويهدف البرنامج إلى إعادة تأهيل {noun} لصالح {n} {beneficiaries} في {m} بلدة.",
    "ومن المقرر أن تبدأ الأعمال {timeframe}، بالتعاون الوثيق مع {partner}.",
    "ووفقاً لـ{org_short}، بات نحو {pct} من السكان محرومين من المياه الآمنة بسبب {challenge}.",
    "وتسعى المبادرة إلى {result} و{result}.",
    "وأظهرت دراسة حديثة أُجريت بالتعاون مع {partner} أن {pct} من {noun} متوقفة عن العمل.",
    "ويأتي التمويل، البالغ {money}، من {donor}.",
    "وقد اضطرت آلاف الأسر إلى مغادرة منازلها خلال السنوات الأخيرة بسبب {challenge} و{challenge}.",
    "وستتولى لجنة محلية إدارة {site}، على أن تشغل النساء {share} مقاعدها على الأقل.",
    "وتشير النتائج الأولية إلى أن المشروع أسهم في {result} في عدد من المواقع التجريبية.",
    "والتزمت السلطات المحلية بتغطية {pct} من تكاليف التشغيل اعتباراً من عام {year}.",
    "وستركز المرحلة المقبلة على المناطق الأشد تضرراً من {challenge}.",
    "وستزور فرق مستقلة كل موقع بانتظام للتحقق من {check}.",
    "وقد شارك أكثر من {n} {beneficiaries} في المشاورات التي سبقت إعداد الخطط، بالتنسيق مع {partner}.",
)
AR_QUOTES = (
    "إنها خطوة مهمة لسكان المنطقة.",
    "لا يمكننا انتظار الأزمة المقبلة قبل أن نتحرك لمواجهة {challenge}.",
    "إن الحصول على المياه ليس ترفاً، بل هو ما يتيح للأسر البقاء والتخطيط لمستقبلها.",
    "نأمل أن يسهم ذلك في {result}.",
    "نتوجه بالشكر إلى شركائنا، ومن بينهم {donor}، على دعمهم المتواصل.",
)
AR_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
    "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)
AR_CITIES = ("جنيف", "عمّان", "بيروت", "تونس", "القاهرة", "الرباط", "أربيل", "الخرطوم", "نواكشوط", "صنعاء")
AR_ORGS = (
    ("تحالف تايدويل", "تحالف تايدويل"), ("مجلس ريفربند للهجرة", "مجلس ريفربند"),
    ("منتدى غرايفل الإنساني", "منتدى غرايفل"), ("صندوق سولتمارش للصمود", "صندوق سولتمارش"),
    ("معهد ليكشور للمناخ", "معهد ليكشور"), ("اتحاد نورثغيت للإغاثة", "اتحاد نورثغيت"),
)
# (name in Arabic script, the same name as written in an e-mail address)
AR_PEOPLE = (
    ("ليلى حداد", "layla haddad"), ("يوسف بن علي", "youssef benali"), ("مريم الخطيب", "mariam khatib"),
    ("سامر خوري", "samer khoury"), ("فاطمة العلوي", "fatima alaoui"), ("عمر السيد", "omar elsayed"),
    ("نور منصور", "nour mansour"), ("كريم عبد الله", "karim abdallah"), ("هالة ناصر", "hala nasser"),
    ("طارق إدريس", "tarek idris"),
)
AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

CITIES = {"fr": FR_CITIES, "es": ES_CITIES, "de": DE_CITIES, "ar": AR_CITIES}


# --------------------------------------------------------------------------- helpers
_SIZES = (120, 350, 800, 1200, 2500, 4000, 6500, 12000, 25000, 48000, 90000)


def _number(rng: random.Random, lang: str) -> str:
    value = _SIZES[int(rng.random() * len(_SIZES))] + int(rng.random() * 100)
    text = f"{value:,}"
    if lang == "fr":
        return text.replace(",", "\u202f")
    if lang in ("es", "de"):
        return text.replace(",", ".")
    if lang == "ar":
        return str(value)
    return text


def _money(rng: random.Random, lang: str) -> str:
    whole, tenth = _between(rng, 1, 60), _between(rng, 0, 9)
    return {
        "en": f"CHF {whole}.{tenth} million",
        "fr": f"{whole},{tenth} millions de francs suisses",
        "es": f"{whole},{tenth} millones de francos suizos",
        "de": f"{whole},{tenth} Millionen Franken",
        "ar": f"{whole} مليون فرنك سويسري",
    }[lang]


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    # rng.choice costs several Python calls per draw; this is the hot path.
    return seq[int(rng.random() * len(seq))]


def _between(rng: random.Random, lo: int, hi: int) -> int:
    return lo + int(rng.random() * (hi - lo + 1))


class _Slots:
    """Template slots: fixed per document where given, else drawn afresh at each use.

    A slot name starting with a capital letter gives the value capitalised.
    """

    def __init__(self, rng: random.Random, lang: str, vocab: dict, fixed: dict) -> None:
        self.rng = rng
        self.lang = lang
        self.vocab = vocab
        self.fixed = fixed

    def special(self, base: str) -> str:
        rng = self.rng
        if base == "n":
            return _number(rng, self.lang)
        if base == "c":
            return str(_between(rng, 5, 60) * _pick(rng, (1, 1, 2, 5)))
        if base == "m":
            return str(_between(rng, 3, 40))
        if base == "k":
            return str(_between(rng, 2, 12))
        if base == "pct":
            pct = _between(rng, 8, 85)
            return {"en": f"{pct} percent", "ar": f"{pct}%", "fr": f"{pct}\u00a0%"}.get(self.lang, f"{pct} %")
        if base == "money":
            return _money(rng, self.lang)
        if base == "year":
            return str(_between(rng, 2025, 2028))
        raise KeyError(base)


_FIXED_KEYS = frozenset(("org", "org_short", "city", "country"))
# (template, language) -> ((literal, word list or None, slot name or None, capitalise?), ...)
_COMPILED: dict[tuple[str, str], tuple[tuple[str, Sequence[str] | None, str | None, bool], ...]] = {}


def _compile(template: str, vocab: dict) -> tuple[tuple[str, Sequence[str] | None, str | None, bool], ...]:
    parts: list[tuple[str, Sequence[str] | None, str | None, bool]] = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        if not field:
            parts.append((literal, None, None, False))
            continue
        base = field[0].lower() + field[1:]
        words = None if base in _FIXED_KEYS else vocab.get(base)
        parts.append((literal, words, None if words is not None else base, field[0].isupper()))
    return tuple(parts)


def _fill(template: str, slots: _Slots) -> str:
    parts = _COMPILED.get((template, slots.lang))
    if parts is None:
        parts = _COMPILED[(template, slots.lang)] = _compile(template, slots.vocab)
    rand = slots.rng.random
    out: list[str] = []
    drawn: list[str] = []
    for literal, words, base, upper in parts:
        out.append(literal)
        if words is not None:
            value = words[int(rand() * len(words))]
            for _ in range(4):  # no "with X and X"
                if value not in drawn:
                    break
                value = words[int(rand() * len(words))]
            drawn.append(value)
        elif base is not None:
            value = slots.fixed[base] if base in slots.fixed else slots.special(base)
        else:
            continue
        out.append(value[0].upper() + value[1:] if upper else value)
    return "".join(out)


_CONTRACTIONS = {
    "fr": ((re.compile(r"\b([Dd])e (?=[aeiouéèêâîôAEIOUÉ])"), "\\1’"),),
    "es": ((re.compile(r"\bde el\b"), "del"), (re.compile(r"\ba el\b"), "al")),
    "de": ((re.compile(r"\bvon dem\b"), "vom"),),
}


def _contract(lang: str, text: str) -> str:
    """Contractions a template cannot know about: "de améliorer" -> "d’améliorer"."""
    for pattern, repl in _CONTRACTIONS.get(lang, ()):
        text = pattern.sub(repl, text)
    return text


def _paragraph(rng: random.Random, sentences: tuple[str, ...], slots: _Slots, lo: int = 2, hi: int = 5) -> str:
    """``lo`` to ``hi`` sentences from distinct templates."""
    k = _between(rng, lo, hi)
    chosen: list[int] = []
    while len(chosen) < k:
        i = int(rng.random() * len(sentences))
        if i not in chosen:
            chosen.append(i)
    return " ".join([_fill(sentences[i], slots) for i in chosen])


def _person(rng: random.Random) -> str:
    return f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}"


def _email(name: str, rng: random.Random) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    local = ".".join(folded.split())
    return f"{local}@{_pick(rng, ('example.org', 'example.com', 'example.net'))}"


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"+41 22 000 00 {_between(rng, 10, 99)}"
    return _pick(rng, ("+1 212-555-01{:02d}", "(555) 010-{:04d}", "+1 555 01{:02d}")).format(_between(rng, 0, 99))


def _wrap(text: str, width: int = 72) -> str:
    """Greedy hard wrap; textwrap is several times slower and we wrap a lot."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return "\n".join(lines)


def _slugify(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    out: list[str] = []
    for ch in folded:
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out)[:70].strip("-")


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _fill_to(target: int, fixed: int, make_block: Callable[[], str], limit: int = 40) -> list[str]:
    """Blocks from ``make_block`` until ``fixed`` plus their bytes reach ``target``."""
    blocks: list[str] = []
    size = fixed
    while size < target and len(blocks) < limit:
        block = make_block()
        blocks.append(block)
        size += _utf8_len(block) + 2
    return blocks


def _en_date(d: date, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def _fr_date(d: date) -> str:
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {FR_MONTHS[d.month - 1]} {d.year}"


def _es_date(d: date) -> str:
    return f"{d.day} de {ES_MONTHS[d.month - 1]} de {d.year}"


def _de_date(d: date) -> str:
    return f"{d.day}. {DE_MONTHS[d.month - 1]} {d.year}"


def _ar_date(d: date, rng: random.Random) -> str:
    text = f"{d.day} {AR_MONTHS[d.month - 1]} {d.year}"
    return text.translate(AR_DIGITS) if rng.random() < 0.3 else text


def _rfc3339(d: date, hour: int, minute: int, offset_minutes: int) -> str:
    if offset_minutes == 0:
        zone = "Z"
    else:
        h, m = divmod(abs(offset_minutes), 60)
        zone = f"{'+' if offset_minutes > 0 else '-'}{h:02d}:{m:02d}"
    return f"{d.isoformat()}T{hour:02d}:{minute:02d}:00{zone}"


def _tags(rng: random.Random) -> list[str]:
    # The first tags are the office's main themes and come up most often.
    k = _pick(rng, (1, 2, 2, 3, 3, 3, 4))
    picked: list[str] = []
    while len(picked) < k:
        tag = TAGS[min(int(rng.expovariate(0.18)), len(TAGS) - 1)]
        if tag not in picked:
            picked.append(tag)
    return picked


def _quoted(s: str) -> str:
    """A double-quoted string, valid in both YAML and TOML."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    r = rng.randrange(sum(w for _, w in table))
    for name, w in table:
        if r < w:
            return name
        r -= w
    raise AssertionError("unreachable")


def _schedule(table: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """One period of formats, spread evenly: each slot goes to the format furthest behind.

    Any run of files then has close to the intended mix, and a small corpus
    (a few dozen files) already holds every format.
    """
    total = sum(w for _, w in table)
    counts = dict.fromkeys((name for name, _ in table), 0)
    out: list[str] = []
    for i in range(total):
        name = max(table, key=lambda nw: nw[1] * (i + 1) / total - counts[nw[0]])[0]
        counts[name] += 1
        out.append(name)
    return tuple(out)


_FORMAT_SCHEDULE = _schedule(FORMAT_WEIGHTS)


# --------------------------------------------------------------------------- one release
class _Release:
    """What is drawn for one release before it is laid out in its format."""

    def __init__(self, index: int) -> None:
        rng = self.rng = random.Random(f"{SEED}:{index}")
        self.index = index
        self.kind = _FORMAT_SCHEDULE[index % len(_FORMAT_SCHEDULE)]
        self.lang = self.kind.removeprefix("text-") if self.kind.startswith("text-") else "en"
        self.day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
        self.city, self.country, self.offset = _pick(rng, PLACES)
        self.target = max(3000, min(8000, int(rng.gauss(MEAN_BYTES, SD_BYTES))))
        self.embargoed = rng.random() < EMBARGO_RATE
        self.photo = rng.random() < PHOTO_RATE
        self.draft = self.kind.startswith("md-") and rng.random() < DRAFT_RATE_MD
        self.hour = _pick(rng, (0, 6, 8, 9, 9, 10, 10, 11, 14, 15))
        self.minute = 1 if self.hour == 0 else _pick(rng, (0, 0, 0, 30))
        if self.lang == "en":
            self.org, self.org_short = _pick(rng, ORGS)
            vocab: dict = EN
        else:
            vocab = {"fr": FR, "es": ES, "de": DE, "ar": AR}[self.lang]
            orgs = {"fr": FR_ORGS, "es": ES_ORGS, "de": DE_ORGS, "ar": AR_ORGS}[self.lang]
            self.org, self.org_short = _pick(rng, orgs)
            self.city = _pick(rng, CITIES[self.lang])
        self.slots = _Slots(
            rng, self.lang, vocab,
            {"org": self.org, "org_short": self.org_short, "city": self.city, "country": self.country},
        )

    # ------------------------------------------------------------------ titles
    def draw_title(self) -> str:
        rng, s = self.rng, self.slots
        if self.lang == "en":
            who = self.org_short if rng.random() < 0.3 and not self.org_short.startswith("the ") else self.org
            return (
                f"{who} {_pick(rng, EN_TITLE_VERBS)} {_pick(rng, EN_TITLE_ADJ)} "
                f"{_pick(rng, EN_TITLE_OBJECTS)} in {self.city if rng.random() < 0.7 else _pick(rng, PLACES)[0]}"
            )
        place = self.city if rng.random() < 0.7 else _pick(rng, CITIES[self.lang])
        if self.lang == "fr":
            prep = "au" if place == "Port-au-Prince" else "à"
            return _fill(f"{{org}} {{tverb}} {{tobj}} {prep} {place}", s)
        if self.lang == "es":
            return _fill(f"{{org}} {{tverb}} {{tobj}} en {place}", s)
        if self.lang == "de":
            article = {"Programm": "ein", "Notfallplan": "einen", "Fonds": "einen", "Wiederaufbauplan": "einen",
                       "Frühwarnsystem": "ein", "Solarpumpen-Projekt": "ein", "regionales": "ein"}
            obj = _pick(rng, DE["tobj"])
            return f"{self.org} {_pick(rng, DE['tverb'])} {article.get(obj.split()[0], 'eine')} {obj} in {place}"
        return _fill(f"{{org}} {{tverb}} {{tobj}} في {place}", s)

    # ------------------------------------------------------------------ English blocks
    def en_quote(self) -> str:
        rng = self.rng
        q = _paragraph(rng, EN_QUOTES, self.slots, 1, 3)
        who = f"{_person(rng)}, {_pick(rng, EN['role'])} of {self.org}"
        if rng.random() < 0.5:
            return f"“{q.removesuffix('.')},” said {who}."
        return f"{who}, said: “{q}”"

    def en_paragraph(self) -> str:
        if self.rng.random() < 0.22:
            return self.en_quote()
        return _paragraph(self.rng, EN_SENTENCES, self.slots)

    def about(self) -> tuple[str, str]:
        s = self.slots
        return f"About {self.org}", (
            f"{self.org} is an independent organisation working to secure {_fill('{adj}', s)} water, "
            f"sanitation and health services for people on the move and the communities that receive them. "
            f"Founded in {_between(self.rng, 1985, 2018)}, it works with {_fill('{partner}', s)} and "
            f"{_fill('{partner}', s)} in more than {_between(self.rng, 8, 60)} countries. "
            f"More information is available at https://www.example.org."
        )

    def photo_credit(self) -> str:
        return self.org if self.org_short.startswith("the ") else self.org_short

    # ------------------------------------------------------------------ layouts
    def text_en(self, title: str) -> str:
        rng = self.rng
        style = _weighted(rng, TEXT_EN_STYLES)
        name1, name2 = _person(rng), _person(rng)
        if style == "reference":
            # Title, title again with the photo credit, then paragraphs on single lines.
            self.embargoed = False  # this layout has no place for an embargo line
            head = f"{title}\n\n"
            if self.photo:
                head += f"{title}. Photo: {self.photo_credit()}\n\n"
            if rng.random() < 0.5:  # the links were stripped, as in the reference release
                contact = f"For more information please contact {name1}, Email or {name2} on {_phone(rng)}, Email"
            else:
                contact = (
                    f"For more information please contact {name1}, {_email(name1, rng)} "
                    f"or {name2} on {_phone(rng)}, {_email(name2, rng)}"
                )
            lead = f"{self.city} – " + _paragraph(rng, EN_SENTENCES, self.slots)
            body = _fill_to(self.target, _utf8_len(head + lead + contact), self.en_paragraph)
            return head + "\n".join([lead, *body, contact])
        if style == "wire":
            wire = _pick(rng, WIRES)
            d = f"{EN_MONTHS[self.day.month - 1]} {self.day.day}, {self.day.year}"
            dateline = _pick(rng, (
                f"{self.city.upper()}, {self.country.removeprefix('the ')}, {d} /{wire}/ -- ",
                f"{self.city.upper()}, {d} /{wire}/ -- ",
                f"{self.city.upper()}--({wire})--",
                f"{self.city.upper()}, {d} ({wire}) - ",
            ))
            blocks = ["FOR IMMEDIATE RELEASE", title]
            if self.embargoed:
                blocks[0] = f"EMBARGOED UNTIL {self.hour:02d}:{self.minute:02d} ET, {d}"
            blocks.append(_wrap(dateline + _paragraph(rng, EN_SENTENCES, self.slots)))
            about_head, about_text = self.about()
            contact = (name1, _pick(rng, EN["role"]), self.org, _email(name1, rng), _phone(rng))
            tail = [about_head, _wrap(about_text), "Media contact:\n" + "\n".join(contact)]
            if self.photo:
                tail.append(f"Photo - https://example.org/photos/{self.index:05d}.jpg")
            tail.append(_pick(rng, ("###", "###", "# # #", "-30-")))
            fixed = _utf8_len("\n\n".join(blocks + tail))
            body = _fill_to(self.target, fixed, lambda: _wrap(self.en_paragraph()))
            return "\n\n".join(blocks + body + tail) + "\n"
        if style == "uk":
            d = f"{self.day.day} {EN_MONTHS[self.day.month - 1]} {self.day.year}"
            blocks = [title]
            if self.embargoed:
                zone = _pick(rng, ("GMT", "BST", "CET", "CEST"))
                blocks.append(f"EMBARGOED UNTIL {self.hour:02d}:{self.minute:02d} {zone}, {d}")
            blocks.append(f"{self.city.upper()}, {d} – " + _paragraph(rng, EN_SENTENCES, self.slots))
            notes = [
                f"1. The full {_pick(rng, EN['report_noun'])} is available at https://example.org/press/{self.index:05d}.",
                f"2. {_person(rng)} is available for interviews in English and French.",
            ]
            if self.photo:
                notes.append(
                    f"3. Photo: {_fill('{Noun}', self.slots)} near {self.city}. "
                    f"Credit: {self.photo_credit()}/{_person(rng)}"
                )
            about_head, about_text = self.about()
            tail = [
                _pick(rng, ("-ENDS-", "ENDS", "- ENDS -")),
                "Notes to editors",
                "\n".join(notes),
                about_head,
                about_text,
                f"Media contacts\n{name1}, {_pick(rng, EN['role'])}, {self.org}\n"
                f"Email: {_email(name1, rng)}\nTel: {_phone(rng)}",
            ]
            fixed = _utf8_len("\n\n".join(blocks + tail))
            body = _fill_to(self.target, fixed, self.en_paragraph)
            return "\n\n".join(blocks + body + tail) + "\n"
        # A page copied out of a web newsroom: breadcrumb and bare date above the title.
        crumb = _pick(rng, ("Home > Newsroom > Press releases", "Home > News > Press releases", "Home › Media › News"))
        head = f"{crumb}\n{_en_date(self.day, rng)}\n\n{title}\n\n"
        if self.embargoed:
            head += f"Embargoed until {self.hour:02d}:{self.minute:02d} CET on {_en_date(self.day, rng)}\n\n"
        lead = f"{self.city} – " + _paragraph(rng, EN_SENTENCES, self.slots)
        contact = f"Media contact: {name1} | {_email(name1, rng)} | {_phone(rng)}"
        body = _fill_to(self.target, _utf8_len(head + lead + contact), self.en_paragraph)
        return head + "\n\n".join([lead, *body, contact]) + "\n"

    def markdown_body(self, fixed: int, with_contact: bool) -> str:
        rng, s = self.rng, self.slots
        lead = _paragraph(rng, EN_SENTENCES, s)
        if rng.random() < 0.8:
            lead = f"{self.city} – " + lead
        tail: list[str] = []
        if rng.random() < 0.3:
            about_head, about_text = self.about()
            tail += ["---", f"**{about_head}**", about_text]  # a thematic break, not front matter
        if with_contact:
            name = _person(rng)
            email = _email(name, rng)
            tail.append(f"**Media contact:** {name}, [{email}](mailto:{email}), {_phone(rng)}")

        def block() -> str:
            r = rng.random()
            if r < 0.12:
                return f"## {_pick(rng, EN_SUBHEADS)}"
            if r < 0.24:
                items = "\n".join(f"- {_fill(_pick(rng, EN_SENTENCES), s)}" for _ in range(_between(rng, 3, 5)))
                return f"Key facts:\n\n{items}" if rng.random() < 0.3 else items
            if r < 0.32:
                return "> " + self.en_quote()
            p = _paragraph(rng, EN_SENTENCES, s)
            if rng.random() < 0.2:  # a bold first sentence
                end = p.find(". ")
                if end > 0:
                    p = f"**{p[: end + 1]}**{p[end + 1 :]}"
            if rng.random() < 0.25:
                p += f" Details are on the [project page](https://example.org/projects/{self.index:05d})."
            return p

        fixed += _utf8_len("\n\n".join([lead, *tail]))
        return "\n\n".join([lead, *_fill_to(self.target, fixed, block), *tail]) + "\n"

    def front_values(self) -> dict:
        rng = self.rng
        v: dict = {"date": _rfc3339(self.day, self.hour, self.minute, self.offset), "tags": _tags(rng)}
        if rng.random() < 0.7:
            v["summary"] = _fill(_pick(rng, EN_SENTENCES), self.slots)
        if rng.random() < 0.1:
            later = self.day + timedelta(days=_between(rng, 1, 20))
            v["updated"] = _rfc3339(later, _between(rng, 8, 18), 0, self.offset)
        if self.embargoed:
            v["embargo"] = v["date"]
        if rng.random() < 0.15:
            v["id"] = f"tag:example.org,{self.day.year}:release-{self.index:05d}"
        if self.photo:
            v["image"] = {
                "url": f"https://example.org/img/{self.day.year}/{self.index:05d}.jpg",
                "caption": _fill("{Noun} supported by {org_short} in {city}.", self.slots),
                "credit": f"{self.photo_credit()}/{_person(rng)}",
            }
        if rng.random() < 0.7:
            contacts = []
            for _ in range(_pick(rng, (1, 1, 2))):
                name = _person(rng)
                contacts.append({"name": name, "org": self.org, "email": _email(name, rng), "phone": _phone(rng)})
            v["contacts"] = contacts
        return v

    def md_yaml(self, title: str) -> str:
        rng = self.rng
        v = self.front_values()
        h1 = rng.random() < 0.05  # title only as a Markdown heading, not in the front matter
        lines = ["---"]
        if not h1:
            lines.append(f"title: {_quoted(title)}")
        lines.append(f"date: {v['date'] if rng.random() < 0.8 else _quoted(v['date'])}")
        if "updated" in v:
            lines.append(f"updated: {v['updated']}")
        if "summary" in v:
            lines.append(f"summary: {_quoted(v['summary'])}")
        if rng.random() < 0.5:
            lines.append("tags: [" + ", ".join(v["tags"]) + "]")
        else:
            lines += ["tags:", *(f"  - {t}" for t in v["tags"])]
        if rng.random() < 0.8:
            lines.append("language: en")
        if "embargo" in v:
            lines.append(f"embargo: {v['embargo']}")
        if "id" in v:
            lines.append(f"id: {_quoted(v['id'])}")
        if self.draft:
            lines.append("draft: true")
        if "image" in v:
            lines += ["image:", *(f"  {k}: {_quoted(val)}" for k, val in v["image"].items())]
        if "contacts" in v:
            lines.append("contacts:")
            for c in v["contacts"]:
                lines.append(f"  - name: {_quoted(c['name'])}")
                lines += [f"    {k}: {_quoted(c[k])}" for k in ("org", "email", "phone")]
        lines.append("---")
        head = "\n".join(lines) + "\n\n"
        if h1:
            head += f"# {title}\n\n"
        return head + self.markdown_body(_utf8_len(head), "contacts" not in v)

    def md_toml(self, title: str) -> str:
        rng = self.rng
        v = self.front_values()
        lines = ["+++", f"title = {_quoted(title)}"]
        # A bare TOML local date now and then, as hand-written files have.
        lines.append(f"date = {v['date'] if rng.random() < 0.9 else self.day.isoformat()}")
        if "updated" in v:
            lines.append(f"updated = {v['updated']}")
        if "summary" in v:
            lines.append(f"summary = {_quoted(v['summary'])}")
        lines.append("tags = [" + ", ".join(f'"{t}"' for t in v["tags"]) + "]")
        if rng.random() < 0.6:
            lines.append('language = "en"')
        if "embargo" in v:
            lines.append(f"embargo = {v['embargo']}")
        if "id" in v:
            lines.append(f"id = {_quoted(v['id'])}")
        if self.draft:
            lines.append("draft = true")
        # Tables last: in TOML every key after a [table] header belongs to that table.
        if "image" in v:
            lines += ["", "[image]", *(f"{k} = {_quoted(val)}" for k, val in v["image"].items())]
        for c in v.get("contacts", ()):
            lines += ["", "[[contacts]]", *(f"{k} = {_quoted(c[k])}" for k in ("name", "org", "email", "phone"))]
        lines.append("+++")
        head = "\n".join(lines) + "\n\n"
        return head + self.markdown_body(_utf8_len(head), "contacts" not in v)

    def text_intl(self, title: str) -> str:
        rng, s, lang, d = self.rng, self.slots, self.lang, self.day
        city = self.city
        if lang == "ar":
            name, latin = _pick(rng, AR_PEOPLE)
            email = _email(latin, rng)
        else:
            name = _person(rng)
            email = _email(name, rng)
        phone = _phone(rng)
        time_ = f"{self.hour:02d}:{self.minute:02d}"
        if lang == "fr":
            sents, quotes, ds = FR_SENTENCES, FR_QUOTES, _fr_date(d)
            dateline = f"{city}, le {ds} – " if rng.random() < 0.7 else f"{city} – "
            embargo = f"SOUS EMBARGO jusqu’au {ds} à {self.hour:02d} h {self.minute:02d} (heure de Genève)"
            photo = "Photo\u00a0: {Noun} à {city}. © {org_short}"
            contact = f"Pour plus d'informations, veuillez contacter {name}, {email}, {phone}."
            ends = ("-FIN-", "-FIN-", "FIN", "###")
        elif lang == "es":
            sents, quotes, ds = ES_SENTENCES, ES_QUOTES, _es_date(d)
            dateline = f"{city}, {ds} – " if rng.random() < 0.7 else f"{city.upper()} ({ds}) – "
            embargo = f"EMBARGADO hasta el {ds} a las {time_} h (CEST)"
            photo = "Foto: {Noun} en {city}. Crédito: {org_short}"
            contact = f"Para más información, contacte con {name} ({email}, {phone})."
            ends = ("-FIN-", "###", "- FIN -")
        elif lang == "de":
            sents, quotes, ds = DE_SENTENCES, DE_QUOTES, _de_date(d)
            dateline = f"{city}, {ds} – " if rng.random() < 0.7 else f"{city} ({ds}) – "
            embargo = f"SPERRFRIST: {ds}, {time_} Uhr MEZ"
            photo = "Foto: {Noun} in {city} (Foto: {org_short})"
            contact = f"Pressekontakt: {name}, {email}, Tel. {phone}"
            ends = ("-ENDE-", "###", "– Ende –")
        else:
            sents, quotes, ds = AR_SENTENCES, AR_QUOTES, _ar_date(d, rng)
            dateline = f"{city}، {ds} – " if rng.random() < 0.6 else f"{city} – "
            embargo = f"يُحظر النشر حتى الساعة {time_} بتوقيت غرينتش يوم {ds}"
            photo = "الصورة: {noun} في {city}. حقوق الصورة: {org_short}"
            # U+200E keeps the phone number left-to-right inside right-to-left text.
            contact = f"للمزيد من المعلومات، يُرجى التواصل مع {name} على البريد الإلكتروني {email} أو الهاتف \u200e{phone}."
            ends = ("-انتهى-", "###", "- انتهى -")

        def quote() -> str:
            text = _paragraph(rng, quotes, s, 1, 2)
            if lang == "ar":
                return f"وجاء في تصريح لـ{_pick(rng, AR_PEOPLE)[0]}، {_fill('{role}', s)} في {self.org}: «{text}»"
            who = f"{_person(rng)}, {_fill('{role}', s)}"
            text = text.removesuffix(".")  # «…», déclare X — no full stop before the comma
            if lang == "fr":
                return f"«\u00a0{text}\u00a0», déclare {who} de {self.org_short}."
            if lang == "es":
                return f"«{text}», afirmó {who} de {self.org_short}."
            return f"„{text}“, sagte {who} bei {self.org_short}."

        blocks = [title]
        if self.embargoed:
            blocks.append(embargo)
        if self.photo:
            blocks.append(_fill(photo, s))
        blocks.append(dateline + _paragraph(rng, sents, s))
        tail = [contact, _pick(rng, ends)]
        fixed = _utf8_len("\n\n".join(blocks + tail))
        body = _fill_to(
            self.target, fixed, lambda: quote() if rng.random() < 0.2 else _paragraph(rng, sents, s)
        )
        return _contract(lang, "\n\n".join(blocks + body + tail)) + "\n"


def render_release(index: int, seen_titles: set[str]) -> tuple[str, str, str]:
    """(kind, path relative to the corpus folder, text) of release ``index``.

    ``seen_titles`` holds the titles drawn so far; the new title is added to it.
    """
    rel = _Release(index)
    for _attempt in range(50):
        title = rel.draw_title()
        if title not in seen_titles:
            break
    else:  # pragma: no cover - the title space is far larger than any corpus
        title = f"{title} ({index})"
    seen_titles.add(title)

    if rel.kind == "text-en":
        text = rel.text_en(title)
    elif rel.kind == "md-yaml":
        text = rel.md_yaml(title)
    elif rel.kind == "md-toml":
        text = rel.md_toml(title)
    else:
        text = rel.text_intl(title)
    if rel.kind.startswith("text-"):
        if rel.rng.random() < CRLF_RATE:
            text = text.replace("\n", "\r\n")
        if rel.rng.random() < BOM_RATE:
            text = "\ufeff" + text

    slug = _slugify(title) if rel.lang != "ar" else "bayan"
    ext = "md" if rel.kind.startswith("md-") else "txt"
    path = f"{rel.day.year}/{rel.day.month:02d}/{slug}-{index:05d}.{ext}"
    kind = rel.kind + ("-draft" if rel.draft else "") + ("-embargoed" if rel.embargoed else "")
    return kind, path, text


def write_corpus(n: int, dir: Path) -> list[tuple[str, Path]]:
    """Write ``n`` releases under ``dir``; (kind, path) of each, in order."""
    dir = Path(dir)
    root = str(dir)
    seen: set[str] = set()
    made: set[str] = set()
    out: list[tuple[str, Path]] = []
    for i in range(n):
        kind, rel, text = render_release(i, seen)
        folder = rel[: rel.rindex("/")]
        if folder not in made:
            (dir / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        with open(f"{root}/{rel}", "wb") as f:
            f.write(text.encode("utf-8"))
        out.append((kind, dir / rel))
    return out


def make_corpus(n: int, dir: Path) -> list[Path]:
    """Write ``n`` deterministic releases under ``dir`` and return their paths."""
    return [path for _kind, path in write_corpus(n, dir)]


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not argv[1].isdigit():
        print(f"usage: {Path(argv[0]).name} N DIR", file=sys.stderr)
        return 2
    n, out = int(argv[1]), Path(argv[2])
    start = time.perf_counter()
    written = write_corpus(n, out)
    elapsed = time.perf_counter() - start
    total = sum(path.stat().st_size for _kind, path in written)
    print(f"{len(written)} files, {total} bytes ({total / max(1, n):.0f} bytes mean) in {out} ({elapsed:.2f} s)")
    mix = Counter(kind.split("-draft")[0].split("-embargoed")[0] for kind, _ in written)
    print("formats: " + ", ".join(f"{k} {v} ({100 * v / max(1, n):.1f}%)" for k, v in sorted(mix.items())))
    drafts = sum("-draft" in k for k, _ in written)
    embargoed = sum("-embargoed" in k for k, _ in written)
    print(f"drafts {drafts}, embargoed {embargoed}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
