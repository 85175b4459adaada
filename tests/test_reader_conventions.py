"""Conventions the held-out real releases (tests/heldout) showed the reader did not handle,
each as a small release written the same way."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from feeds.intake.reader import read_text


def test_release_number_before_the_date() -> None:
    # berlin.de: "Pressemitteilung Nr. 300/2017 vom 14.07.2017" is the release's date line
    text = ("Große Aufräumaktion am Alexanderplatz\n\nPressemitteilung Nr. 300/2017 vom 14.07.2017\n\n"
            "Am Montag, 17. Juli 2017, beteiligt sich der Bezirksbürgermeister an einer Aufräumaktion "
            "rund um den Alexanderplatz, gemeinsam mit Hotels und Vereinen aus der Nachbarschaft.\n")
    r = read_text(text, markdown=False, languages=("de",))
    assert r.date == date(2017, 7, 14)
    assert r.paragraphs[0].startswith("Am Montag")
    en = ("Title of the release\n\nPress release No. 12/2024 of 5 March 2024\n\n"
          "GENEVA – The organisation today announced a new programme for the region, with partners "
          "from three countries and a budget for five years.\n")
    assert read_text(en, markdown=False).date == date(2024, 3, 5)


def test_contact_details_widget_names_the_organisation() -> None:
    # News Direct: "Contact Details<Org>" glued, then the person (or the org again), phone, e-mail
    body = ("--News Direct--\n\nThe association today announced the appointment of a new board chair, "
            "who brings over thirty years of experience in acquisition and contracting to the role.\n\n")
    widget = "Contact DetailsNational Contract Management Assocation\n\n{}+1 281-865-3296\n\nholly@ncmahq.org\n"
    r = read_text("Board chair elected\n\n" + body + widget.format("Holly DeHesa\n\n"), markdown=False)
    assert [(c.name, c.org, c.phone, c.email) for c in r.contacts] == [
        ("Holly DeHesa", "National Contract Management Assocation", "+1 281-865-3296", "holly@ncmahq.org")]
    r = read_text("Board chair elected\n\n" + body
                  + widget.format("National Contract Management Assocation\n\n"), markdown=False)
    assert [(c.name, c.org) for c in r.contacts] == [(None, "National Contract Management Assocation")]


def test_letter_sign_off_ends_the_body() -> None:
    # PR Karma "Public Statement": "Sincerely," then name, title and organisation lines
    text = ("Statement on Postponed Tariffs\n\nBurlington, ON – February 4th, 2025—The association "
            "welcomes yesterday's announcement that the governments agreed to postpone the tariffs.\n\n"
            "We remain committed to working with our partners on fair trade policies for the industry.\n\n"
            "Sincerely,\n\nShane Devenish\n\nPresident\n\nCanadian Recreational Vehicle Association\n")
    r = read_text(text, markdown=False)
    assert len(r.paragraphs) == 2
    assert r.paragraphs[-1].startswith("We remain committed")


def test_hand_wrapped_paragraph_stays_whole() -> None:
    # apache.org plain text: ~70 columns, wrapped by hand, short lines mid-sentence; blank lines
    # between paragraphs. A wrapped line splits a paragraph only where it ends a sentence.
    text = ("THE GROUP INCORPORATES TO BECOME A FOUNDATION\n\n"
            "FOREST HILL MD – 30 June 1999 – The Group today announced the creation\n"
            "of the Foundation, to formally shepherd the development of the #1 Web server\n"
            "worldwide -- and other projects under the umbrella. This effort is\n"
            "dedicated to open-source software projects. \"This is an important\n"
            "step,\" said\n"
            "Roy T. Fielding, chairman of the new foundation and its co-founder.\n\n"
            "Membership is open to individuals by invitation. Candidates\n"
            "are judged by their technical contributions and skills, and must\n"
            "be active collaborators on one or more of the projects of the group.\n")
    r = read_text(text, markdown=False)
    assert r.dateline_city == "FOREST HILL MD" and r.date == date(1999, 6, 30)
    assert len(r.paragraphs) == 2
    assert r.paragraphs[1].startswith("Membership is open") and "Candidates are judged" in r.paragraphs[1]


def test_copyright_sign_credit_after_a_caption_or_after_the_name() -> None:
    # UNHCR pages: "<caption>. © UNHCR/Name" under the headline; Arabic pages: "UNHCR/D.Kiobo ©"
    lead = ("\n\nGENEVA – The agency today appealed for funds to help people displaced by the "
            "violence in the region, as more families arrive at reception sites every week.\n")
    r = read_text("Agency seeks funds for displaced families\n\nAmina and her grandchildren at a "
                  "reception site in Oundouma, Chad.  © UNHCR/Aristophane Ngargoune" + lead,
                  markdown=False)
    assert (r.photo_caption, r.photo_credit) == (
        "Amina and her grandchildren at a reception site in Oundouma, Chad.", "UNHCR/Aristophane Ngargoune")
    assert r.paragraphs[0].startswith("GENEVA")
    r = read_text("Agency seeks funds for displaced families\n\nUNHCR/D.Kiobo ©" + lead, markdown=False)
    assert r.photo_credit == "UNHCR/D.Kiobo"
    assert len(r.paragraphs) == 1


def test_a_month_named_twice_as_un_arabic_texts_write_it() -> None:
    # UNICEF/UNHCR Arabic: "نيويورك، 8 كانون الأول/ديسمبر 2024 —", "20 يونيو/ حزيران 2014"
    lead = ("نيويورك، 8 كانون الأول/ديسمبر 2024 — دعت المنظمة اليوم جميع الأطراف إلى ضمان وصول "
            "المساعدات الإنسانية إلى الأطفال والعائلات في كل أنحاء البلاد.")
    r = read_text("المديرة التنفيذية لليونيسف تدعو إلى حماية الأطفال في سوريا\n\n" + lead + "\n\nوقالت المديرة التنفيذية إن الوضع الإنساني متردٍ.\n",
                  markdown=False, languages=("ar",))
    assert (r.dateline_city, r.date) == ("نيويورك", date(2024, 12, 8))
    assert r.paragraphs[0].startswith("نيويورك")
    from feeds.intake.dates import parse_text_date

    assert parse_text_date("20 يونيو/ حزيران 2014", ("ar",)) == date(2014, 6, 20)
    assert parse_text_date("20 حزيران/ يونيو 2014", ("ar",)) == date(2014, 6, 20)
    assert parse_text_date("8 décembre/december 2024") == date(2024, 12, 8)


def test_a_long_lead_in_to_please_contact_an_address() -> None:
    # Noticias Newswire: the only contact, after the About sections, is a sentence
    text = ("Award for the attorney\n\nMiami – The organisation named the attorney its person of "
            "the year at a ceremony attended by journalists from twelve countries.\n\n"
            "About the Organisation: a non-profit body dedicated to promoting journalism.\n\n"
            "For media inquiries, interviews, or high-resolution event photos, please contact "
            "press@example.org.\n")
    r = read_text(text, markdown=False)
    assert [(c.name, c.email) for c in r.contacts] == [(None, "press@example.org")]
    assert len(r.paragraphs) == 1
    # the same lead-in in the body without an address or a number stays body text
    body = ("Flood service opens\n\nGeneva – For the families who lost contact with relatives "
            "during the floods of last spring, the new service opens on Monday in twelve towns.\n\n"
            "Staff at every office will help them search the registers.\n")
    r = read_text(body, markdown=False)
    assert len(r.paragraphs) == 2 and not r.contacts


def test_a_statement_lead_ending_in_a_colon_is_the_lead() -> None:
    # Oxfam / UNHCR reactions: no dateline; "In response to …, <name> said:" then the quote.
    # A sentence that introduces a quote is the lead; a short "Highlights:" stays a deck.
    text = ("Forbes list exposes inequality: Oxfam reaction\n\n"
            "In response to the Forbes Rich List published today, which reveals a record number of "
            "billionaires in the world, Oxfam's Head of Policy said:\n\n"
            "\u201cThis is yet more evidence that the very few at the top are coining it in.\n\n"
            "\u201cEconomic growth does not inevitably trickle down to help those at the bottom.\u201d\n")
    r = read_text(text, markdown=False)
    assert r.title == "Forbes list exposes inequality: Oxfam reaction"
    assert len(r.paragraphs) == 3
    assert r.paragraphs[0].startswith("In response to")
    deck = ("New water network for three towns\n\nHighlights:\n\n"
            "The agency today opened a water network that serves three towns and forty thousand people "
            "in the north of the region.\n\nWork began two years ago with local engineering firms.\n")
    r = read_text(deck, markdown=False)
    assert r.paragraphs[0].startswith("The agency today")


def test_swiss_federal_contact_and_publisher_blocks() -> None:
    # admin.ch, in Italian: "Indirizzo cui rivolgere domande" (German "Adresse für Rückfragen",
    # French "Adresse pour l'envoi de questions"), then "Pubblicato da" and the publisher's links
    text = ("Il Consiglio federale si riunirà nel Cantone di Vaud\n\n"
            "Berna, 03.04.2013 - Il Consiglio federale terrà di nuovo una seduta ordinaria «extra muros», "
            "questa volta nel Cantone di Vaud.\n\nAl termine della seduta è previsto un incontro con la "
            "popolazione a Nyon.\n\n\nIndirizzo cui rivolgere domande\n\nAndré Simonazzi\nCancelleria "
            "federale\nTel.: 031 322 37 03\nE-Mail: andre.simonazzi@bk.admin.ch\n\n\nPubblicato da\n\n"
            "Il Consiglio federale\nhttps://www.admin.ch/gov/it/pagina-iniziale.html\n")
    r = read_text(text, markdown=False, languages=("it",))
    assert len(r.paragraphs) == 2
    assert [(c.name, c.email, c.phone) for c in r.contacts] == [
        ("André Simonazzi", "andre.simonazzi@bk.admin.ch", "031 322 37 03")]
    de = text.replace("Indirizzo cui rivolgere domande", "Adresse für Rückfragen")
    assert read_text(de, markdown=False).contacts[0].email == "andre.simonazzi@bk.admin.ch"


def test_japanese_company_profile_and_inquiries_headings() -> None:
    # PR TIMES style: "## 会社概要" / "## 株式会社Xについて" end the body (a product's "Yについて"
    # does not), "## 本件に関するお問い合わせ先" heads the contact, given as a list
    text = ("# 認証取得のお知らせ\n\n当社は、国際標準規格の認証を取得したことをお知らせいたします。\n\n"
            "## QueryPie AIPについて\n\n製品の説明です。\n\n## 株式会社アシストについて\n\n会社の説明です。\n\n"
            "## 本件に関するお問い合わせ先\n\n- QueryPie AI 合同会社 広報担当\n- Email：pr@querypie.com\n")
    r = read_text(text, markdown=True, languages=("ja",))
    assert r.paragraphs[-1] == "製品の説明です。"
    assert [c.email for c in r.contacts] == ["pr@querypie.com"]
    profile = text.replace("## 株式会社アシストについて", "## 会社概要")
    assert read_text(profile, markdown=True, languages=("ja",)).paragraphs[-1] == "製品の説明です。"


def test_date_lines_in_other_languages_and_document_symbols_are_not_titles() -> None:
    # a Portuguese blog's date line above the headline; a UN document symbol on the first line
    text = ("sexta-feira, 28 de novembro de 2025\n\n“DA BLACK FRIDAY À CYBER MONDAY A LACES CELEBRA "
            "O INÍCIO DO ADVENTO”\n\nO Black Weekend do Grupo Laces chega pela primeira vez a Portugal "
            "com descontos especiais até 1 de dezembro no site e nas lojas.\n")
    r = read_text(text, markdown=False, languages=("pt",))
    assert r.title.startswith("“DA BLACK FRIDAY")
    assert r.date == date(2025, 11, 28)
    un = ("REF/G/102\n\nLA CONFÉRENCE SUR LES RÉFUGIÉS POURSUIT SES TRAVAUX\n\n"
          "Genève 30 mai -- La Conférence régionale pour l'examen des problèmes relatifs aux réfugiés a "
          "poursuivi ses travaux ce matin, en présence de délégations de douze pays.\n")
    r = read_text(un, markdown=False, languages=("fr",))
    assert r.title == "LA CONFÉRENCE SUR LES RÉFUGIÉS POURSUIT SES TRAVAUX"
    assert r.dateline_city == "Genève"


def test_wire_before_a_date_with_its_time() -> None:
    # Newsworthy.ai: "City, ST (Newsworthy.ai) Thursday Nov 30, 2023 @ 5:00 PM Central —"
    text = ("BEK TV Adds The Ramsey Show\n\nBismarck, ND (Newsworthy.ai) Thursday Nov 30, 2023 @ 5:00 PM "
            "Central — BEK TV, the leading television network in North Dakota, is excited to announce "
            "a new show.\n\nThe show airs weekdays.\n")
    r = read_text(text, markdown=False)
    assert (r.dateline_city, r.date) == ("Bismarck", date(2023, 11, 30))
    # a number and a word after a name is not a date: no dateline
    plain = ("Budget approved\n\nThe Board 30 members – said they would meet again next week to "
             "discuss the rest of the plan and its costs.\n")
    assert read_text(plain, markdown=False).dateline_city is None


def test_a_source_line_ends_the_body_and_is_skipped_above_the_lead() -> None:
    # a news site's "Fuente:" / "Fonte:" line after the text; "Source: X" under the headline
    text = ("Dell distribuye accesorios en Colombia\n\nBOGOTÁ – La compañía anunció hoy un acuerdo "
            "de distribución con un mayorista local para todo el país.\n\nEl acuerdo entra en vigor "
            "en julio.\n\nFuente:[CANALINFORMATICO.NET](http://www.canalinformatico.net/nota-1741)\n")
    r = read_text(text, markdown=True, languages=("es",))
    assert len(r.paragraphs) == 2
    above = ("Farah heartbroken by climate impact on children\n\nSource: Save The Children\n\n"
             "LONDON, 5 May 2022 – Olympian Sir Mo Farah said he was heartbroken after meeting families "
             "in Somaliland.\n\nMore follows here.\n")
    r = read_text(above, markdown=False)
    assert (r.dateline_city, len(r.paragraphs)) == ("LONDON", 2)
    # PR Newswire's "SOURCE Acme" line is still the release's end mark
    wire = ("Acme names a chief\n\nNEW YORK, March 4, 2025 /PRNewswire/ -- Acme named a new chief "
            "executive today.\n\nSOURCE Acme Corporation\n")
    assert read_text(wire, markdown=False).end_mark == "SOURCE Acme Corporation"


def test_hand_wrapped_list_items_stay_whole() -> None:
    # apache.org plain text: " - " items wrapped by hand at ~55 columns, without indent
    text = ("ASF midyear review\n\nFOREST HILL, MD – 17 June 2008 – The Foundation today published a "
            "review of its first half year.\n\n"
            "The following initiatives have graduated to Top-Level Projects:\n\n"
            " - Apache Hadoop (sub-project of Apache Lucene; PMC\nChair: Owen O'Malley) — January 2008\n"
            " - Platinum Level: Google (NASDAQ: GOOG), Yahoo!\n(NASDAQ: YHOO)\n"
            " - Apache CXF\n\n"
            "Users and developers are welcome to take part.\n")
    r = read_text(text, markdown=False)
    assert len(r.paragraphs) == 4
    assert r.paragraphs[2].count("\n- ") == 2  # one block: three items, their wrapped lines joined


def test_contact_lines_of_one_person() -> None:
    # Oxfam: "Tel:" then "Mobile:" is one person's two numbers; ASF: an organisation line that
    # starts with "The" is not a person called "The Apache"
    text = ("Oxfam reaction\n\nLONDON, 2 March 2015 – Oxfam said the list shows extreme inequality "
            "at the top of the world's economy.\n\nContact information\n\n"
            "Dannielle Taaffe, News Manager, Oxfam International\n\n"
            "dannielle.taaffe@oxfaminternational.org\nTel: +44-1865-339-162\nMobile: +44-7917-110-066\n")
    r = read_text(text, markdown=False)
    assert [(c.name, c.phone) for c in r.contacts] == [("Dannielle Taaffe", "+44-1865-339-162")]
    asf = ("Subversion joins the ASF\n\nOAKLAND, Calif., Nov. 4, 2009 – The Foundation announced that "
           "Subversion has joined it.\n\n# # #\n\nMedia Contact:\n\nSally Khudairi\n"
           "The Apache Software Foundation\n+1 (617) 921 8656\n<sk@apache.org>\n")
    r = read_text(asf, markdown=False)
    assert [(c.name, c.org, c.email) for c in r.contacts] == [
        ("Sally Khudairi", "The Apache Software Foundation", "sk@apache.org")]


def test_a_yearless_date_line_above_the_headline_is_not_the_title() -> None:
    # a blog's "Thursday, January 13" above the post's title
    text = ("Thursday, January 13\n\nNASA's Kepler Mission Discovers Its First Rocky Planet\n\n"
            "WASHINGTON, Jan. 10, 2011 -- NASA's Kepler mission confirmed the discovery of its first rocky "
            "planet, named Kepler-10b.\n")
    assert read_text(text, markdown=False).title == "NASA's Kepler Mission Discovers Its First Rocky Planet"


def test_a_dateline_of_two_cities_names_both() -> None:
    # "CITY, Region and CITY, Region –" as "AMSTERDAM and PARIS, …" (shared corpus 22) is read
    text = ("Ceres and Appotronics partner\n\nLIVINGSTON, Scotland and SHENZHEN, China – January 07, "
            "2025 - Ceres Holographics and Appotronics today announced a partnership on displays.\n")
    r = read_text(text, markdown=False)
    assert (r.dateline_city, r.date) == ("LIVINGSTON and SHENZHEN", date(2025, 1, 7))
    one = text.replace("LIVINGSTON, Scotland and SHENZHEN, China", "LONDON, England and Wales")
    assert read_text(one, markdown=False).dateline_city == "LONDON"


def test_bold_dateline_line_and_more_information_contacts() -> None:
    # Extinction Rebellion Switzerland: "**Berne, le 18 juillet 2020**" on its own line over
    # "### …" decks, and "Pour plus d’informations : media@…" as the contact
    text = ("**Berne, le 18 juillet 2020**\n\n### Pas de retour à l’(a)normale\n\n"
            "Une centaine d’activistes vont occuper une place à Berne le 18.07.2020 pour demander une "
            "action immédiate.\n\nLe 18 juillet, nous allons occuper une place à Berne.\n\n"
            "Pour plus d’informations : media@xrebellion.ch\n")
    r = read_text(text, markdown=True, languages=("fr",), title="Communiqué de presse 18.07.2020")
    assert (r.dateline_city, r.date) == ("Berne", date(2020, 7, 18))
    assert read_text(text, markdown=True).title is None  # a dateline line is not a title
    assert r.paragraphs[0].startswith("Une centaine") and len(r.paragraphs) == 2
    assert [c.email for c in r.contacts] == ["media@xrebellion.ch"]
    de = text.replace("Pour plus d’informations :", "**Weitere Informationen:**")
    assert [c.email for c in read_text(de, markdown=True).contacts] == ["media@xrebellion.ch"]
    # with no address or number after it, "For more information:" is running text
    body = text.replace("Pour plus d’informations : media@xrebellion.ch",
                        "For more information: visit the campaign's website and sign up.")
    assert len(read_text(body, markdown=True).paragraphs) == 3


def test_a_bold_end_mark_is_the_mark() -> None:
    text = ("Sheffield rebels lock on\n\nSHEFFIELD, 5 May 2021 – Activists locked themselves to the "
            "doors of the bank this morning.\n\n**ENDS**\n\nContact: Nathan, xrshefpress@gmail.com\n")
    assert read_text(text, markdown=True).end_mark == "ENDS"


def test_inline_html_and_character_references_in_a_markdown_dateline() -> None:
    # Sourcegraph: "SAN FRANCISCO, April 23, 2020 &mdash; …"; InfinyOn: "<strong>SANTA CLARA, CA</strong> --"
    text = ("# Sourcegraph launches ABCs\n\nSAN FRANCISCO, April 23, 2020 &mdash; [Sourcegraph](https://"
            "about.sourcegraph.com/), the leader in Universal Code Search, today announced a new program.\n")
    r = read_text(text, markdown=True)
    assert (r.dateline_city, r.date) == ("SAN FRANCISCO", date(2020, 4, 23))
    strong = ("# InfinyOn raises seed funding\n\n<strong>SANTA CLARA, CA</strong> -- InfinyOn, a real-time "
              "event streaming company, raised a $5M round of seed funding.\n")
    assert read_text(strong, markdown=True).dateline_city == "SANTA CLARA"


def test_digits_of_a_link_in_a_contact_block_are_not_a_phone() -> None:
    text = ("Sheffield declares\n\nSHEFFIELD, 5 May 2021 – Activists met the council today.\n\nENDS\n\n"
            "Contacts:\n\nNathan Strathdee: 07741490906, xrshefpress@gmail.com\n\n"
            "Facebook: https://www.facebook.com/events/358493925030809/\n\nTwitter: @XRShef\n")
    r = read_text(text, markdown=False)
    assert [c.phone for c in r.contacts] == ["07741490906"]


def test_contacts_as_a_list_with_blank_lines_between_items() -> None:
    # Extinction Rebellion Sheffield: "### Contact Details:" then one "- " item a person, each a
    # block of its own; every person is read
    text = ("Paint the streets\n\nSHEFFIELD, 5 May 2021 – Activists will paint the streets this "
            "Saturday in the city centre.\n\n**ENDS**\n\n### Contact Details:\n\n"
            "- Nathan Strathdee, 07741490906, xrshefpress@gmail.com\n\n- George Hume, xrshefpress@gmail.com\n\n"
            "- Dr Bing Jones, 07711447306, bingportraits@gmail.com\n")
    r = read_text(text, markdown=True)
    assert [c.name for c in r.contacts] == ["Nathan Strathdee", "George Hume", "Dr Bing Jones"]


def test_datelines_with_an_event_before_the_city_or_a_comma_after_the_month() -> None:
    # Node.js Foundation releases
    text = ("# Node.js momentum\n\n**NODE.JS INTERACTIVE 2016, AUSTIN, TX., Nov. 30, 2016** — The Node.js "
            "Foundation, a community-led consortium, announced new members today.\n")
    r = read_text(text, markdown=True)
    assert (r.dateline_city, r.dateline_raw) == ("AUSTIN", "NODE.JS INTERACTIVE 2016, AUSTIN, TX., Nov. 30, 2016 —")
    comma = ("# Node.js survey\n\n**SAN FRANCISCO, April, 12, 2016** — The Node.js Foundation, a "
             "community-led consortium, today released a survey of its users.\n")
    r = read_text(comma, markdown=True)
    assert (r.dateline_city, r.date) == ("SAN FRANCISCO", date(2016, 4, 12))
    assert not any("not understood" in w for _, w in r.warnings)


def test_link_and_source_sections_and_french_notes_end_the_body() -> None:
    text = ("# Sourcegraph and GitLab\n\nSAN FRANCISCO, March 3, 2020 — Sourcegraph today announced an "
            "integration with GitLab.\n\nIt is available now.\n\n## Helpful Links\n\n"
            "- [Sourcegraph Website](https://about.sourcegraph.com/)\n- [Docs](https://docs.sourcegraph.com/)\n")
    assert len(read_text(text, markdown=True).paragraphs) == 2
    sources = text.replace("## Helpful Links", "## Sources:")
    assert len(read_text(sources, markdown=True).paragraphs) == 2
    fr = ("Appel au Conseil fédéral\n\nBerne, le 11 août 2021 – Des médecins remettent un appel au "
          "Conseil fédéral.\n\nNote pour les éditeurs\n\n[1] Le rapport du GIEC.\n")
    r = read_text(fr, markdown=False, languages=("fr",))
    assert len(r.paragraphs) == 1 and r.notes


def test_austrian_ots_dateline_and_end_mark() -> None:
    # APA-OTS: "Wien (ÖVP-Klub) Bezugnehmend …" (no dash after the agency), "(Schluss)"
    text = ("Wiener ÖVP empfiehlt präzisere Medienbeobachtung\n\nWien (ÖVP-Klub) Bezugnehmend auf das "
            "heutige Pressegespräch der Abgeordneten empfiehlt die Wiener ÖVP eine präzisere "
            "Medienbeobachtung.\n\n(schluß)\n")
    r = read_text(text, markdown=False, languages=("de",))
    assert (r.dateline_city, r.end_mark, len(r.paragraphs)) == ("Wien", "(schluß)", 1)
    dated = text.replace("Wien (ÖVP-Klub)", "Wien, 11. Juni 2002 (ÖVP-PK)").replace("(schluß)", "(Schluss)")
    r = read_text(dated, markdown=False, languages=("de",))
    assert (r.dateline_city, r.date, r.end_mark) == ("Wien", date(2002, 6, 11), "(Schluss)")


def test_italic_dateline_link_row_and_linked_credit() -> None:
    text = ("# Vamp 1.0\n\n[EN](https://x.org/en) / [CA](https://x.org/ca) / [DE](https://x.org/de)\n\n"
            "*Amsterdam, 1 February 2018*\n\nVamp today released version 1.0 of its canary-release tool "
            "for Kubernetes, after two years of work.\n\n"
            "[©Negative space via Unsplash CCBY](https://unsplash.com/x)\n")
    r = read_text(text, markdown=True)
    assert (r.dateline_city, r.date) == ("Amsterdam", date(2018, 2, 1))
    assert r.paragraphs[0].startswith("Vamp today")
    assert r.photo_credit == "Negative space via Unsplash CCBY"


def test_a_dateline_of_a_date_alone_starts_the_lead() -> None:
    # HARDWARIO: "*16 January 2023* – **HAHN & Sohn, …**": no city; the lead is not a deck
    text = ("*16 January 2023* – **HAHN & Sohn, a leading European supplier of power generators, has "
            "agreed to an IoT partnership with HARDWARIO.**\n\nThe two companies have agreed to a "
            "collaboration in which HARDWARIO will help HAHN implement IoT technologies\n\n"
            "*\"We have been successfully supplying our power generators to customers.\"*\n")
    r = read_text(text, markdown=True, title="HAHN & Sohn chose HARDWARIO")
    assert (r.dateline_city, r.date, len(r.paragraphs)) == (None, date(2023, 1, 16), 3)
    assert r.dateline_raw == "16 January 2023 –"


def test_job_title_lines_in_contact_blocks() -> None:
    # Coor: "CFO och IR-direktör, Coor" under the name; Marketwired: "Press Secretary" on its own
    text = ("Coor slutför avyttring\n\nDen 26 september 2017 meddelade Coor att bolaget tecknat avtal om "
            "försäljning av verksamheten i Norge.\n\nFör mer information, kontakta:\n\nOlof Stålnacke\n"
            "CFO och IR-direktör, Coor\n+46 10 559 59 20\nolof.stalnacke@coor.com\n")
    r = read_text(text, markdown=False, languages=("sv",))
    assert [(c.name, c.org, c.phone) for c in r.contacts] == [("Olof Stålnacke", "Coor", "+46 10 559 59 20")]
    advisory = ("Minister to announce funding\n\nOTTAWA, Feb. 14, 2017 – The Minister will announce funding "
                "for research at the University of Ottawa.\n\nContacts:\n\nStefanie Power\n\nPress Secretary\n\n"
                "Office of the Minister of Science\n\n343-291-2600\n")
    r = read_text(advisory, markdown=False)
    assert [(c.name, c.title, c.phone) for c in r.contacts] == [("Stefanie Power", "Press Secretary", "343-291-2600")]


def test_a_rule_between_back_matter_sections_and_nordic_contact_labels() -> None:
    # Statsministeriet: "***" between a "Bemærk:" list and "Yderligere oplysninger: …, telefon …"
    text = ("Pressemøde i Statsministeriet om COVID-19\n\nStatsministeriet indkalder til pressemøde i "
            "Spejlsalen mandag den 23. marts kl. 15.00 om COVID-19 i Danmark.\n\n***\n\nBemærk:\n"
            "- Det vil kun være muligt at sende én journalist per medie.\n\n***\n\n"
            "Yderligere oplysninger: Pressesekretær i Statsministeriet, Christian Moselund Aaby, "
            "telefon +45 33 92 22 62.\n")
    r = read_text(text, markdown=True, languages=("da",))
    assert [(c.name, c.phone) for c in r.contacts] == [("Christian Moselund Aaby", "+45 33 92 22 62")]
    # (a rule followed by links only is still an archive's footer: the shared corpus's file that
    # keeps one is read to its end mark, in tests/test_corpus.py)


def test_what_the_new_conventions_must_not_catch() -> None:
    """Review of this session's reader changes: each new convention, and a text it must leave
    alone."""
    lead = ("LONDON, 5 March 2024 – Widget sales rose by a fifth last year, the figures published today "
            "show, as buyers returned to the market in every region of the world and prices fell.\n\n")
    quote = ("\"We are delighted with the year,\" said the chief executive of the company in a statement "
             "published this morning. \"Our teams in every region worked hard to bring new products to "
             "the market, and buyers noticed.\"\n\n")
    # a source line under a figure, with text after it, is body
    r = read_text("Widgets up\n\n" + lead + "Source: IDC Worldwide Widget Tracker, February 2024\n\n"
                  + quote + "More follows here.\n", markdown=False)
    assert len(r.paragraphs) == 4
    # a title written as one link is a title, not a row of links
    r = read_text("[Acme launches the X1000 widget](https://x.org/a)\n\n" + lead, markdown=True)
    assert r.title == "Acme launches the X1000 widget"
    # an organisation with its name in parentheses is not an APA-style dateline
    unicef = ("Children in danger\n\nUNICEF (United Nations Children's Fund) Executive Director Catherine "
              "Russell said today that the situation of children in the region is dire.\n")
    assert read_text(unicef, markdown=False).dateline_city is None
    # a Japanese company's product section is body, its profile is not
    ja = ("# 新サービスのお知らせ\n\n当社は本日、新サービスを発表いたしました。\n\n"
          "## 株式会社アクメの新サービスについて\n\n新サービスの説明です。\n\n## 会社概要\n\n会社の説明です。\n")
    assert read_text(ja, markdown=True, languages=("ja",)).paragraphs[-1] == "新サービスの説明です。"


def test_a_heading_on_the_line_above_its_text_is_one_block_with_it() -> None:
    # Jakarta EE (GlobeNewswire in Markdown): "## I. Cloud-native Java enablement" then the
    # section's text on the next line: one block in the file, one paragraph of the body
    lead = ("OTTAWA, April 24, 2018 (GLOBE NEWSWIRE) -- The foundation today unveiled the future "
            "of the platform, with a new name and a new governance for its specifications.\n\n")
    text = ("# New future\n\n" + lead + "## I. Enablement\nA survey of developers found that most "
            "run their applications in the cloud today.\n\n## II. Governance\n\nThe platform "
            "moves to an open process for its specifications this year.\n")
    r = read_text(text, markdown=True)
    assert r.paragraphs[1:] == (
        "## I. Enablement\nA survey of developers found that most run their applications in the "
        "cloud today.", "## II. Governance",
        "The platform moves to an open process for its specifications this year.")


def test_a_contact_sentence_names_the_person_and_where_she_works() -> None:
    # US Treasury: "For further information on the BEA Program, contact Jennifer Jacokes of the
    # CDFI Fund at (202) 622-8662." ends the release: a contact, not the body's last paragraph
    text = ("Fund opens its application round\n\nWASHINGTON – The Fund today opened the application "
            "round for its program, which rewards banks for investing in distressed communities.\n\n"
            "Applications are due by the end of the month.\n\n")
    r = read_text(text + "For further information on the BEA Program, contact Jennifer Jacokes of "
                  "the CDFI Fund at (202) 622-8662.\n", markdown=False)
    assert [(c.name, c.org, c.phone) for c in r.contacts] == [
        ("Jennifer Jacokes", "CDFI Fund", "(202) 622-8662")]
    assert len(r.paragraphs) == 2
    r = read_text(text + "For more information, contact Jane Doe at Acme Corp., (202) 555-0100.\n",
                  markdown=False)
    assert [(c.name, c.org) for c in r.contacts] == [("Jane Doe", "Acme Corp")]


def test_a_caption_without_a_credit_is_not_body() -> None:
    # EIN Presswire: "Pictured are Edmundo Berumen, Chair of …, and Francisco Maciel, …" between
    # two paragraphs; Extinction Rebellion: "Left Hand Photo: Left to Right; Eve Merral, …"
    lead = ("BOSTON, MA, UNITED STATES, September 24, 2024 /EINPresswire.com/ -- The two firms "
            "today announced a partnership to bring strategic forecasting to the Mexican market.\n\n")
    more = "The partnership starts with three pilot projects in the automotive industry.\n"
    for caption in ("Pictured are Edmundo Berumen, Chair of Berumen y Asociados, and Francisco "
                    "Maciel, Country Manager.", "Left Hand Photo: Left to Right; Eve Merral, Louis "
                    "Brijmohun", "Légende : la signature de l'accord à Paris.",
                    "Im Bild: Die Vorstände bei der Unterzeichnung."):
        r = read_text(f"Partnership\n\n{lead}{caption}\n\n{more}", markdown=False)
        assert r.paragraphs == (lead.strip(), more.strip()), caption
        assert r.photo_caption == caption and r.photo_credit is None
    # running text that starts with the same words stays body
    for text in ("Pictured Rocks National Lakeshore will reopen its visitor centre on Monday.",
                 "In the photo industry, sales of film cameras grew for the third year."):
        r = read_text(f"Partnership\n\n{lead}{text}\n\n{more}", markdown=False)
        assert len(r.paragraphs) == 3, text


def test_wire_names_in_brackets_emptied_or_glued_to_the_city() -> None:
    # Noticias Newswire: "Fort Lauderdale, FL — June 16, 2025 [Noticias Newswire] —"; Business
    # Wire on a site that emptied the name: "PARIS--()--"; and "KAMPALA--(GLOBE NEWSWIRE)--",
    # whose city is "KAMPALA", not "KAMPALA--"
    rest = ("A recent survey reveals an uncomfortable truth about credit cards and the families "
            "who depend on them.\n")
    r = read_text("Survey\n\nFort Lauderdale, FL — June 16, 2025 [Noticias Newswire] — " + rest,
                  markdown=False)
    assert (r.dateline_city, r.date) == ("Fort Lauderdale", date(2025, 6, 16))
    for line, city in (("PARIS--()--", "PARIS"), ("KAMPALA--(GLOBE NEWSWIRE)--", "KAMPALA"),
                       ("WINSTON-SALEM, N.C.--(BUSINESS WIRE)--", "WINSTON-SALEM")):
        assert read_text(f"Survey\n\n{line}{rest}", markdown=False).dateline_city == city, line
    # a Markdown link is no wire name
    r = read_text("Survey\n\nFort Lauderdale, FL — [Read more](https://example.org) — " + rest,
                  markdown=True)
    assert r.dateline_raw is None or "[Read more]" not in r.dateline_raw


def test_a_second_number_alone_under_a_contact_is_the_same_persons() -> None:
    # Mynewsdesk (Swedish ministry): name, title, phone, then a mobile number on its own line
    text = ("Utredning överlämnas\n\nStockholm – Utredaren överlämnar sitt betänkande till "
            "ministern på torsdag, och finns därefter tillgänglig för frågor.\n\nKontakt:\n"
            "Jonas Bjelfvenstam\nSärskild utredare\n070-398 55 75\n\nAnn-Cathrine Nilsson\n"
            "Utredningssekreterare\n08-405 34 58\n073-340 97 61\n")
    r = read_text(text, markdown=False)
    assert [(c.name, c.phone) for c in r.contacts] == [
        ("Jonas Bjelfvenstam", "070-398 55 75"), ("Ann-Cathrine Nilsson", "08-405 34 58")]


def test_a_one_word_sender_line_over_the_headline_is_not_the_title() -> None:
    # Mynewsdesk and regjeringen.no pages open with the sender or the section:
    # "Näringsdepartementet" / "Pressemeldingar", then the headline
    lead = ("Stockholm – Utredaren överlämnar sitt betänkande till ministern på torsdag, och "
            "finns därefter tillgänglig för frågor.\n")
    r = read_text(f"Näringsdepartementet\n\nSvensk sjöfarts konkurrensförutsättningar\n\n{lead}",
                  markdown=False)
    assert r.title == "Svensk sjöfarts konkurrensförutsättningar"
    # a one-word title over the lead, or over a sentence, stays the title
    assert read_text(f"Rekordår\n\n{lead}", markdown=False).title == "Rekordår"
    r = read_text("Rekordår\n\nFöretaget växte med tjugo procent under året.\n\n" + lead,
                  markdown=False)
    assert r.title == "Rekordår"


def test_a_body_image_whose_alt_text_credits_it_is_the_photo() -> None:
    # Flatpak: '[![Alexander Larsson. Photo by Garrett LeSage](/img/a-sm.jpg "…")](/img/a.jpg)'
    # between paragraphs: the photo's caption and credit; the image stays in the body
    lead = ("Stockholm, Sweden – 21 June 2016 – The project today announced its first release, "
            "a new way to distribute desktop applications on Linux.\n\n")
    image = ('[![Alexander Larsson. Photo by Garrett LeSage](https://example.org/img/a-sm.jpg '
             '"Alexander Larsson. Photo by Garrett LeSage")](https://example.org/img/a.jpg)')
    r = read_text(f"Launch\n\n{lead}{image}\n\nMore text about the release follows here.\n",
                  markdown=True)
    assert (r.photo_caption, r.photo_credit) == ("Alexander Larsson", "Garrett LeSage")
    assert r.photo_url == "https://example.org/img/a-sm.jpg"
    assert len(r.paragraphs) == 3
    # an image whose alt text credits no one gives no photo
    r = read_text(f"Launch\n\n{lead}![Our app store](/img/apps.png)\n\nMore text.\n", markdown=True)
    assert (r.photo_caption, r.photo_credit, r.photo_url) == (None, None, None)


def test_a_dateline_closed_by_a_colon() -> None:
    # Flatpak: "**Stockholm, Sweden, 20 August 2018**: Flatpak, the Linux desktop app …"
    text = ("Flatpak 1.0 released\n\n**Stockholm, Sweden, 20 August 2018**: Flatpak, the Linux "
            "desktop app distribution framework, reached an important milestone today.\n")
    r = read_text(text, markdown=True)
    assert (r.dateline_city, r.date) == ("Stockholm", date(2018, 8, 20))
    # a colon after a city without a date is no dateline: "Note: …", "London: …"
    for lead in ("Note: In 2018, the framework was released, as planned, to the public.",
                 "London: the framework, released in 2018, reached its milestone today."):
        assert read_text(f"Flatpak 1.0 released\n\n{lead}\n", markdown=False).dateline_city is None


def test_portuguese_contact_block_with_job_titles_and_two_numbers_each() -> None:
    # UNICEF Brasil: "Contatos para a imprensa", then per person: name, job title, office,
    # "Telefone: …" twice; and "Cellular: …" under a phone in a Canadian advisory
    text = ("Declaração do UNICEF\n\nNova Iorque, 11 de março de 2020 – O UNICEF vem preparando e "
            "respondendo à epidemia desde o início, com governos e parceiros.\n\n"
            "Contatos para a imprensa\n\nElisa Meirelles Reis\nOficial de Comunicação\nUNICEF Brasil\n"
            "Telefone: (61) 3035 1979\nTelefone: (61) 98166 1649\nPedro Ivo Alcantara\n"
            "Especialista em Comunicação\nUNICEF Brasil\nTelefone: (61) 3035 1947\n"
            "Telefone: (61) 98166 1636\n")
    r = read_text(text, markdown=False, languages=("pt",))
    assert [(c.name, c.title, c.org, c.phone) for c in r.contacts] == [
        ("Elisa Meirelles Reis", "Oficial de Comunicação", "UNICEF Brasil", "(61) 3035 1979"),
        ("Pedro Ivo Alcantara", "Especialista em Comunicação", "UNICEF Brasil", "(61) 3035 1947")]
    assert len(r.paragraphs) == 1
    text = ("Media advisory\n\nMONTREAL – Media are invited to the launch of the satellite at the "
            "agency's headquarters on Friday.\n\nMedia contact:\nJane Roe\nTel: (450) 926-4370\n"
            "Cellular: (514) 914-5453\n")
    r = read_text(text, markdown=False)
    assert [(c.name, c.phone) for c in r.contacts] == [("Jane Roe", "(450) 926-4370")]


def test_news_releases_over_the_headline_is_a_label() -> None:
    # a government page: "News Releases" (plural) above the release's own headline
    text = ("News Releases\n\nMunicipal Awareness Campaign Launched\n\nST. JOHN'S – The "
            "province today launched a campaign to raise awareness of municipal elections.\n")
    assert read_text(text, markdown=False).title == "Municipal Awareness Campaign Launched"


def test_first_line_indents_mark_the_paragraphs_of_wrapped_text() -> None:
    # CNW Telbec: each paragraph's first line indented four spaces, the rest at the margin,
    # no blank line between paragraphs
    text = ("Government takes action to improve the health of our oceans\n\n"
            "    MONT-JOLI, QC, Oct. 5 /CNW Telbec/ - The Honourable Lawrence Cannon,\n"
            "Minister of Transport, Infrastructure and Communities, today announced a\n"
            "five-year commitment by the Government to the health of the oceans today.\n"
            "    \"Canada's New Government is committed to protecting Canada's marine\n"
            "environment,\" said Minister Cannon. \"Over the next five years, our government\n"
            "will invest more than $60 million in initiatives for the coastal communities.\"\n"
            "    With its allocated funds, the Government protects the waterways from\n"
            "ship-source pollution.\n")
    r = read_text(text, markdown=False)
    assert [p[:20] for p in r.paragraphs] == [
        "MONT-JOLI, QC, Oct. ", "\"Canada's New Govern", "With its allocated f"]
    assert r.dateline_city == "MONT-JOLI"
    # nested HTML or JSX under a tag at the margin is not a paragraph's first line
    html = ("Title\n\nGENEVA – The organisation today announced a new programme for the "
            "region, with partners from three countries.\n\n<ArticleFileImage\n"
            "  filepath=\"public/news/21/a.png\"\n  alt=\"A diagram\"\n/>\n")
    assert len(read_text(html, markdown=True).paragraphs) == 2


def test_two_cities_joined_by_a_slash() -> None:
    # UNICEF Brasil: "Nova Iorque/Genebra, 31 de janeiro de 2017 – Quarenta e oito milhões …"
    text = ("Apelo humanitário\n\nNova Iorque/Genebra, 31 de janeiro de 2017 – Quarenta e oito "
            "milhões de crianças vivendo em alguns dos piores conflitos do mundo precisam de ajuda.\n")
    r = read_text(text, markdown=False, languages=("pt",))
    assert (r.dateline_city, r.date) == ("Nova Iorque/Genebra", date(2017, 1, 31))
    r = read_text("Launch\n\nNEW YORK/PRNewswire/ -- Acme today announced that its new product "
                  "would ship in the spring.\n", markdown=False)
    assert r.dateline_city == "NEW YORK"


def test_a_dateline_whose_year_runs_on_into_the_text() -> None:
    # Canadian Space Agency advisory: no dash after the date
    text = ("Launch of the satellite\n\nSaint-Hubert, Quèbec, February 22, 2002 Media are cordially "
            "invited to a press conference where the Minister will make an announcement.\n")
    r = read_text(text, markdown=False)
    assert (r.dateline_city, r.date) == ("Saint-Hubert", date(2002, 2, 22))
    assert r.paragraphs[0].startswith("Saint-Hubert, Quèbec, February 22, 2002 Media")
    # without a year, or with a lower-case word after it, the text is no dateline
    for lead in ("Saint-Hubert, Quèbec, February 22 Media are invited to a press conference.",
                 "Paris, since 2002 the agency has invited the media to a conference each year."):
        assert read_text(f"Launch of the satellite\n\n{lead}\n", markdown=False).dateline_city is None, lead


def test_what_this_sessions_conventions_must_not_catch() -> None:
    # A review of the conventions above, each case reproduced before it was fixed
    b = ("Grant programme launched\n\nWASHINGTON, March 3, 2024 – The agency today announced a "
         "new grant programme for rural communities, with funding for three years and partners "
         "in twelve states.\n\n")
    # a caption line with a credit keeps its credit
    r = read_text(b + "Pictured: The mayor cuts the ribbon. Photo: Jane Smith\n\nThe wing opens "
                  "on Saturday.\n", markdown=False)
    assert (r.photo_caption, r.photo_credit) == ("Pictured: The mayor cuts the ribbon", "Jane Smith")
    # prose that starts like a caption is body; a second caption line is not lost
    r = read_text(b + "From left to right, the new wing traces the history of the region, from the "
                  "first settlers to the present day.\n\nThe wing opens on Saturday.\n",
                  markdown=False)
    assert len(r.paragraphs) == 3 and r.photo_caption is None
    r = read_text(b + "Left photo: The mayor cuts the ribbon.\n\nRight photo: Visitors in the new "
                  "hall.\n\nThe wing opens on Saturday.\n", markdown=False)
    assert r.photo_caption == "Left photo: The mayor cuts the ribbon."
    assert "Right photo: Visitors in the new hall." in r.paragraphs
    # an organisation with "of" in its name is no person of an organisation
    for org in ("Royal Bank of Canada", "Federal Reserve Bank of New York",
                "Greater Boston Chamber of Commerce", "United Way of King County"):
        r = read_text(b + f"Media contact:\n{org}\nmedia@example.org\n+1 416 555 0100\n",
                      markdown=False)
        assert len(r.contacts) == 1 and org in (r.contacts[0].name, r.contacts[0].org), org
    # a number under another organisation's line is that organisation's
    r = read_text(b + "Media contacts:\nAcme Corp\nTel: +1 202 555 0100\nBeta Inc\n"
                  "Tel: +1 202 555 0199\n", markdown=False)
    assert [c.phone for c in r.contacts] == ["+1 202 555 0100", "+1 202 555 0199"]
    # a wrapped line's indented lower-case rest, and one quotation set off, split nothing
    r = read_text("Acme reports results\n\nBERLIN, March 3, 2024 - Acme said on Tuesday that "
                  "revenue grew 12 percent in the third\n  quarter, helped by strong sales of its "
                  "new electric bike in Germany and France.\n\nThe bike costs 1,999 euros.\n",
                  markdown=False)
    assert len(r.paragraphs) == 2
    # a short one-word title over its deck stays the title
    r = read_text("Zephyr\n\nAcme's new electric bike goes on sale across Europe\n\nBERLIN, March 3, "
                  "2024 – Acme today announced its new bike.\n", markdown=False)
    assert r.title == "Zephyr"
    # two words joined by a slash are a dateline's cities only with a date or a wire
    r = read_text("New report on the epidemic\n\nHIV/AIDS – A new report from the agency shows "
                  "that infections fell by a third in the last decade across the region.\n",
                  markdown=False)
    assert r.dateline_city is None
    # a release label before a date is no city, but the date is the release's
    for lead in ("Update, June 12, 2024: the event has moved to the main hall of the centre.",
                 "UPDATE, June 12, 2024 – The event has moved to the main hall of the centre."):
        r = read_text(f"Event moved\n\n{lead}\n", markdown=False)
        assert (r.dateline_city, r.date) == (None, date(2024, 6, 12)), lead
    # a credited image after a caption line does not replace it; job titles are whole words
    r = read_text(b + "Pictured are the mayor and the minister.\n\n![Revenue chart (Credit: Acme "
                  "Analytics)](https://acme.com/chart.png)\n\nMore.\n", markdown=True)
    assert (r.photo_caption, r.photo_credit) == ("Pictured are the mayor and the minister.", None)
    r = read_text(b + "Contacto:\nAna Pérez\nEspecialistas Unidos S.A.\nana@example.org\n",
                  markdown=False)
    assert [(c.name, c.org, c.title) for c in r.contacts] == [
        ("Ana Pérez", "Especialistas Unidos S.A", None)]


def test_a_page_saved_without_blank_lines_is_read_a_line_a_paragraph() -> None:
    # A release copied off a web page: no blank line anywhere. The headline, a site date, the
    # paragraphs one long line each, "-ENDS-", then notes and contact lines. The short lines
    # make the median line length look like hand-wrapped text; the long lines say it is not.
    lead = ("Saturday, March 7, 2026: The Foundation has published a report on the grants it made "
            "to coastal towns over ten years, with figures for every region and a map of the work.")
    second = ("More than four hundred projects received support, from harbour repairs to youth "
              "clubs, and the report lists each of them with the sum it received and what it did.")
    third = ("The report is released today on the Foundation's website and will be presented to "
             "the regional councils at their spring meeting, together with a plan for next year.")
    text = "\n".join([
        "Foundation Report Shows Ten Years of Grants to Coastal Towns", "7th March 2026",
        lead, second, third, "-ENDS-", "Notes to editors", "For press enquiries:",
        "Jane Roe jane.roe@example.org 07700 900123", ""])
    r = read_text(text, markdown=False)
    assert r.title == "Foundation Report Shows Ten Years of Grants to Coastal Towns"
    assert r.paragraphs == (lead, second, third)
    assert r.end_mark == "-ENDS-"
    assert r.date == date(2026, 3, 7)
    assert r.dateline_city is None  # "Saturday" is the weekday, not a place
    assert [(c.name, c.email, c.phone) for c in r.contacts] == [
        ("Jane Roe", "jane.roe@example.org", "07700 900123")]
    # Hand-wrapped text with one unbreakable long line is still unwrapped
    url = "https://example.org/reports/" + "a" * 140
    wrapped = ("Grants for coastal towns\n\nLONDON – The Foundation published its report today and\n"
               "said the grants reached every region of the country, from the harbours of\n"
               "the south coast to the fishing villages of the north, over ten years. The\n"
               "report counts more than four hundred projects and the sums they received,\n"
               "and it describes what each of them did with the money. The full text is at\n"
               f"{url}\nand a summary follows on the next pages of the report for readers who\n"
               "want the figures for their own region without reading all of it at once.\n")
    r = read_text(wrapped, markdown=False)
    assert len(r.paragraphs) == 1 and url in r.paragraphs[0]


def test_hand_wrapped_text_without_blank_lines_under_a_header() -> None:
    # A regulatory announcement wrapped at ~78 columns with no blank line anywhere: header
    # lines (a heading, the company, the date, the headline), the text, an "ends" line under
    # the last wrapped line, then notes.
    text = "\n".join([
        "Annual Report - Part 2", "Northern Rail Holdings PLC", "14 March 2026",
        "RAIL GROUP REPORTS FIRST FULL YEAR",
        "Northern Rail Holdings today (March 14) publishes its first full report since",
        "the merger of its two regional companies and explains how the results compare",
        "with the forecasts made at the time of the merger, region by region. The",
        "chief executive, Mary Stone, said: 'The year has shown what the two companies",
        "can do together, and the regions have seen more trains run on time than in",
        "any year before the merger.'",
        "Passenger numbers rose in every region, and revenue grew by eleven per cent",
        "against the year before. The board expects the same growth for the year to",
        "2027.",
        "ends",
        "Notes to editors:",
        "- The merger was completed in January 2025 and approved by the regulator.",
        ""])
    r = read_text(text, markdown=False)
    assert r.dateline_city is None  # "Annual Report - Part 2" is a heading, not "City - date"
    assert r.date == date(2026, 3, 14)
    assert r.end_mark == "ends"
    assert len(r.paragraphs) == 2
    assert r.paragraphs[0].startswith("Northern Rail Holdings today")
    assert r.paragraphs[0].endswith("before the merger.'")
    assert r.paragraphs[1].endswith("for the year to 2027.")


def test_a_statement_without_blank_lines_or_headline() -> None:
    # A reaction statement copied without its headline and without blank lines: a lead-in
    # sentence ending in a colon, quotes of 120-150 characters a line, notes, a contact line.
    lead = ("Responding to the publication of the annual national housing survey today, Sam Patel, the head "
            "of policy at the Housing Trust, said:")
    quotes = [
        "\"Rents have risen faster than wages for a fourth year running, and the survey shows "
        "who pays the price for it: young families.",
        "\"Councils have the land to build on, but not the money. A fair share of the budget "
        "would change that within a single year.",
        "“The government must act now, before another winter leaves thousands more people "
        "without a secure place to live this year.”",
    ]
    text = "\n".join([lead, *quotes, "Notes to editors", "See the housing survey 2026.",
                      "Contact information", "Ann Lee, ann.lee@example.org, +44 7700 900456",
                      ""])
    r = read_text(text, markdown=False)
    assert r.title is None  # a sentence that introduces a quote is no headline
    assert r.paragraphs == (lead, *quotes)
    assert [(c.name, c.email, c.phone) for c in r.contacts] == [
        ("Ann Lee", "ann.lee@example.org", "+44 7700 900456")]


def test_what_the_unwrapping_rules_must_not_catch() -> None:
    # Found by a review of the rules above: each read as it was before them.
    lead = ("BRISTOL, 4 March 2025 - Bristol City Council today confirmed that the\n"
            "Old Harbour Bridge will close to traffic on 30 June, when a working\n"
            "life of some 140 years in the service of the city will come to an\nend.\n\n")
    quote = 'Councillor Jane Doe said: "The bridge has served the city well."\n\nENDS\n'
    r = read_text("Bridge to close\n\n" + lead + quote, markdown=False)
    assert r.end_mark == "ENDS"  # a wrapped sentence's last word "end." is no end mark
    assert len(r.paragraphs) == 2 and r.paragraphs[0].endswith("will come to an end.")
    # one long line in a hand-wrapped paragraph (an address, a sentence added later)
    url = "https://investors.example.com/news/" + "results-" * 16
    para = ("The full results, with tables and the outlook for 2026, are available on\n"
            "the investor relations pages of the company's website at\n"
            f"{url}\nand in the investor app.\n")
    r = read_text("Results\n\nGENEVA, March 4, 2025 – Acme today reported its results.\n\n"
                  + para, markdown=False)
    assert len(r.paragraphs) == 2 and url in r.paragraphs[1]
    added = ("GENEVA, March 4, 2025 /PRNewswire/ -- Acme Widgets Inc. (NYSE: ACME) today\n"
             "announced record revenue of $412 million for the third quarter, up 18 per cent on "
             "the same quarter last year and well ahead of the company's guidance,\n"
             "driven by strong demand for its industrial sensors in Europe and by the\n"
             "first full quarter of sales from its new plant in Ohio.\n")
    assert len(read_text("Record quarter\n\n" + added, markdown=False).paragraphs) == 1
    # a paragraph's short first line is no header
    board = ("The board has chosen as its new CEO\n"
             "Jane Doe, currently chief operating officer of Beta Ltd, where she has led\n"
             "the company's expansion into Asia since 2019.\n")
    r = read_text("New chief executive\n\nLONDON, 4 March 2025 - Acme PLC today named a new "
                  "chief executive, who will take up the role on 1 April 2025.\n\n" + board,
                  markdown=False)
    assert r.paragraphs[1].startswith("The board has chosen as its new CEO Jane Doe")
    # a standalone dateline with a numeric date keeps its city
    r = read_text("Acme opens plant\n\nNEW YORK, 03/04/2025\n\nAcme Corp. today opened its new "
                  "plant in Dayton, Ohio, creating 250 jobs in the region.\n", markdown=False)
    assert r.dateline_city == "NEW YORK"


def test_a_dateline_in_capitals_on_a_line_of_its_own() -> None:
    # "LONDON" was read as the zones "LOND" and "ON" around a date, so the line was taken for
    # a bare date line and the city was lost ("London, 4 March 2025" kept it)
    lead = ("Acme PLC today announced the opening of its new research centre in the city, which "
            "will employ more than two hundred scientists by the end of next year.")
    for line, city in (("LONDON, 4 March 2025", "LONDON"), ("GENEVA, March 4, 2025", "GENEVA"),
                       ("PARIS, le 4 mars 2025", "PARIS")):
        r = read_text(f"Acme opens research centre\n\n{line}\n\n{lead}\n", markdown=False)
        assert (r.dateline_city, r.date) == (city, date(2025, 3, 4))
        assert r.paragraphs == (lead,)
    r = read_text(f"Acme opens research centre\n\nMarch 4, 2025 9:00 AM EST\n\n{lead}\n",
                  markdown=False)
    assert (r.dateline_city, r.date) == (None, date(2025, 3, 4))  # a zone is still a zone


_MENU = "\n".join([
    "-", "Who we are", "Who we areThe organisation is part of the United Nations system and "
    "works with governments and partners in more than a hundred countries.", "Structure",
    "Structure", "- Director General", "- Deputy Director General", "- Office of the Chief",
    "-", "Our work", "Our work", "Partnerships", "Partnerships", "- Where we work", "-",
    "Take action", "Take action", "- Data and research", "- 2030 AGENDA"])


def test_a_web_page_with_its_sites_menu_above_the_headline() -> None:
    # A release page saved as text, the site's menus (short lines, "- " items, each heading
    # twice) above the headline, then "Geneva – " and the text: the headline is the title,
    # the menu is left out with a warning that names its lines.
    headline = "Agencies Mourn Loss of Life at the Border Crossing"
    lead = ("Geneva – The two agencies are deeply saddened by the tragic loss of life at the "
            "border crossing on Friday, when some two thousand people tried to cross the fence.")
    rest = ("The agencies urge all authorities to put the safety of migrants and refugees first, "
            "and to refrain from the excessive use of force.")
    text = f"{_MENU}\n{headline}\n{lead}\n{rest}\n"
    for markdown, guessed in ((False, False), (True, True)):  # a .txt file's "- " items
        r = read_text(text, markdown=markdown, guessed=guessed)
        assert (r.title, r.dateline_city) == (headline, "Geneva")
        assert r.paragraphs == (lead, rest)
        assert any("read as the page's navigation" in message for _, message in r.warnings)
    # a deck, a date line and a caption between the headline and the lead: the front
    deck = ("The High Commissioner says the agency has improved its capacity to protect "
            "people but that the needs are growing faster than the means.")
    dated = lead.replace("Geneva –", "GENEVA, Switzerland, 1 October 2013 (Agency) –")
    page = (f"{_MENU}\n{headline}\n{deck}\n1 October 2013 Also available in:\n"
            f"The opening of the annual meeting in Geneva today.\n{dated}\n{rest}\n")
    r = read_text(page, markdown=False)
    assert (r.title, r.dateline_city, r.date) == (headline, "GENEVA", date(2013, 10, 1))
    assert r.paragraphs == (dated, rest)


def test_what_the_page_menu_rule_must_not_catch() -> None:
    lead = ("WASHINGTON -- NASA will host a media teleconference on Thursday to discuss new "
            "findings about the planet Mercury, revealed by the spacecraft's latest flyby.")
    # NASA's contacts over the headline: names, offices, numbers, addresses (no menu)
    top = "\n".join(["Dwayne Brown", "Headquarters, Washington", "202-358-1726",
                     "dwayne.brown@example.gov", "Paulette Campbell", "Laurel, Md.",
                     "240-228-6792", "MEDIA ADVISORY: M09-069"])
    r = read_text(f"{top}\n\nNASA TO HOLD BRIEFING ON MERCURY\n\n{lead}\n", markdown=False)
    assert not any("navigation" in message for _, message in r.warnings)
    assert r.title == "Dwayne Brown" or r.contacts  # read as before: nothing left out
    # In a file that says it is Markdown, a line under a list item's text continues it
    # (CommonMark's lazy continuation); under an empty item "-" it does not
    lead = ("GENEVA – The organisation today published its annual report, with figures for "
            "every region and the plans for the coming year.")
    md = read_text(f"Title\n\n{lead}\n\n- first item\nrest of the item\n\nThe end.\n",
                   markdown=True)
    assert md.paragraphs[1] == "- first item\nrest of the item"
    guessed = read_text(f"Title\n\n{lead}\n\n- first item\nA Line Of Its Own\n\nThe end.\n",
                        markdown=True, guessed=True)
    assert guessed.paragraphs[1:3] == ("- first item", "A Line Of Its Own")
    md = read_text(f"Title\n\n{lead}\n\n-\nA line of its own that ends here.\n\nThe end.\n",
                   markdown=True)
    assert "A line of its own that ends here." in md.paragraphs


def test_what_the_page_menu_rule_must_not_catch_on_a_release_without_dateline_lead() -> None:
    # Found by a review: releases whose lead has no dateline but a later paragraph opens
    # with "Geneva – ": their own tops (labels, a date, a short title, summary bullets, an
    # advisory's WHAT/WHEN lines) are no menu, and nothing is left out.
    later = ("Geneva – The lab, located near the university campus, will focus on materials "
             "science and sustainable manufacturing for the region.")
    lead = ("Acme Corporation today announced the opening of its new research laboratory, "
            "which will employ two hundred scientists.")
    tops = [
        "Press release\nMedia advisory\n4 March 2025\n\nAcme Opens Geneva Lab",
        "Acme Opens New Research Centre\n\n- Two hundred new jobs by 2026\n\n- Focus on "
        "materials science\n\n- Opening in June 2025",
        "Minister to Open Geneva Lab\n\nWHAT: Opening ceremony\n\nWHEN: Tuesday, 10:00\n\n"
        "WHERE: Acme lab, Rue X\n\nWHO: Minister Jean Dupont and Acme chief executive Jane Doe",
    ]
    for top in tops:
        r = read_text(f"{top}\n\n{lead}\n\n{later}\n\nMore details will follow.\n", markdown=False)
        assert not any("navigation" in message for _, message in r.warnings), top
        assert r.title is not None and r.title.startswith(("Acme Opens", "Minister")), top
        assert lead in r.paragraphs and later in r.paragraphs
    # a title given by front matter: nothing is read as a headline, nothing left out
    r = read_text(f"{tops[0]}\n\n{lead}\n\n{later}\n", markdown=False, title="Acme Opens Lab")
    assert not any("navigation" in message for _, message in r.warnings)


def test_a_guessed_markdown_list_item_wrapped_at_the_margin() -> None:
    # A .txt file guessed to be Markdown, its items hand-wrapped onto lines at the margin
    # (a figure, a sentence's end, a short first line): the list goes on under them, so they
    # are the items' text, as they were before lazy continuation was limited to declared
    # Markdown.
    items = ("- Revenue rose to EUR 4.2 billion in the fourth quarter, up from EUR\n"
             "3.8 billion a year earlier, driven by strong demand in Asia.\n"
             "- Revenue rose 12 per cent in the fourth quarter.\n"
             "Operating margin improved to 9.1 per cent.\n"
             "- Partnership signed with the\nUniversity of Geneva on battery research.\n"
             "- Dividend raised for the tenth consecutive year.")
    text = ("Acme Reports Record Results\n\nGENEVA, March 4, 2025 /PRNewswire/ -- Acme "
            "Corporation today reported its results for the fourth quarter and the full year."
            f"\n\nHighlights of the quarter:\n\n{items}\n\n\"We had a strong year,\" said Jane "
            "Doe, chief executive.\n")
    r = read_text(text, markdown=True, guessed=True)
    assert items in r.paragraphs


def test_a_job_title_before_the_contacts_name() -> None:
    # "Press Secretary Jane Doe", Danish "pressechef Rikke Egelund", "Presserådgiver i
    # Erhvervsministeriet Jesper Ingemann": the title, where it is held, then the name
    lead = ("GENEVA – The organisation today published its annual report, with figures for "
            "every region and the plans for the coming year.")
    cases = [
        ("Contact: Press Secretary Jane Doe, jane@example.org, +41 22 123 45 67",
         ("Jane Doe", "Press Secretary", "jane@example.org", "+41 22 123 45 67")),
        ("Kontaktperson: Presserådgiver i Erhvervsministeriet Jesper Ingemann, jesing@em.dk, "
         "tlf. 9139 9414.",
         ("Jesper Ingemann", "Presserådgiver i Erhvervsministeriet", "jesing@em.dk", "9139 9414")),
        ("Kontakt: pressechef Rikke Egelund, tlf. 3147 9497",
         ("Rikke Egelund", "pressechef", None, "3147 9497")),
        # not a person after the title: the desk, as before
        ("Media contact: Press Office, press@example.org", ("Press Office", None,
                                                           "press@example.org", None)),
    ]
    for line, want in cases:
        r = read_text(f"Title\n\n{lead}\n\n{line}\n", markdown=False)
        assert [(c.name, c.title, c.email, c.phone) for c in r.contacts] == [want], line


def test_a_pr_karma_contact_block() -> None:
    # "Contact" glued to a name and an organisation with no separator, "Email Us Here" (a
    # link's text), then the address lines (city and state, country) and the number: the
    # address is no one's name
    lead = ("Burlington, ON – December 11, 2025 – The association today announced the winners "
            "of its annual award for community service in the region.")
    block = ("ContactMaxwell Pollock Crothers Consulting Email Us Here\n\n Princeton, NJ\n\n"
             "United States\n\n8008313840\n\nVisit Our Website\n")
    r = read_text(f"Award winners\n\n{lead}\n\n{block}", markdown=False)
    assert [(c.name, c.org, c.phone) for c in r.contacts] == [
        ("Maxwell Pollock", "Crothers Consulting", "8008313840")]
    block = block.replace("Maxwell Pollock Crothers Consulting", "Shane Devenish Canadian RV "
                          "Association").replace(" Princeton, NJ", " Burlington, ON")
    r = read_text(f"Award winners\n\n{lead}\n\n{block.replace('United States', 'Canada')}",
                  markdown=False)
    assert [(c.name, c.org, c.phone) for c in r.contacts] == [
        ("Shane Devenish", "Canadian RV Association", "8008313840")]


def test_a_country_is_known_by_its_own_name_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from language_data import names  # type: ignore[import-untyped]

    from feeds.intake import reader

    known = ["United States", "Canada", "Deutschland", "Schweiz", "États-Unis"]
    unknown = ["Mariam Morel", "Jane Doe", "St. Louis", "Acme Corp"]  # Mariam: not Mali
    assert [reader._is_country(n) for n in known + unknown] == [True] * 5 + [False] * 4

    class NoTable(dict):  # type: ignore[type-arg]  # a language_data keeping its tables elsewhere
        def get(self, key: object, default: object = None) -> object:
            return None

    monkeypatch.setattr(names, "TRIES", NoTable())
    reader._country_names.cache_clear()
    try:
        assert [reader._is_country(n) for n in ["United States", "Mariam Morel"]] == [True, False]
    finally:
        monkeypatch.undo()
        reader._country_names.cache_clear()


def test_a_dateline_closed_by_a_full_stop() -> None:
    # Reportable: "Edmonton, Alberta, Canada November 7, 2024. Pacylex …" (no comma before the
    # date, a full stop after it); a wire's byline "News Provided By X, Inc. September 24,
    # 2024, 15:35 GMT" is no dateline, and a plural section label is no title
    lead = ("Edmonton, Alberta, Canada November 7, 2024. Pacylex Pharmaceuticals Inc. is a "
            "clinical-stage company developing targeted treatments for cancer.")
    r = read_text(f"Pacylex reports results\n\n{lead}\n", markdown=False)
    assert (r.dateline_city, r.date) == ("Edmonton", date(2024, 11, 7))
    byline = "News Provided By Tellusant, Inc. September 24, 2024, 15:35 GMT"
    r = read_text(f"Partnership announced\n\n{byline}\n\nBOSTON, MA, September 24, 2024 -- "
                  "Tellusant and its partner today announced a strategic partnership.\n",
                  markdown=False)
    assert r.dateline_city == "BOSTON"
    r = read_text("Communiqués de presse\n\nLE CONSEIL ACCEPTE DE DÉPLACER LE SOMMET\n\nRome, le "
                  "3 octobre 2001 - L'Organisation déplace le lieu du Sommet mondial de "
                  "l'alimentation.\n", markdown=False, languages=("fr",))
    assert r.title == "LE CONSEIL ACCEPTE DE DÉPLACER LE SOMMET"


def test_what_the_contact_and_full_stop_rules_must_not_catch() -> None:
    # Found by a review of the three rules above: each read as before them
    lead = ("Acme Widgets today announced its results for the year, with revenue up in every "
            "region of the world.")

    def contacts(block: str) -> list[tuple[str | None, str | None, str | None]]:
        r = read_text(f"Acme results\n\n{lead}\n\n{block}\n", markdown=False)
        return [(c.name, c.org, c.email) for c in r.contacts]

    # "MD" is a degree on a contact's first line, not a state; "United Nations" an employer
    assert contacts("Media contact:\nJane Doe, MD\njane@example.org") == [
        ("Jane Doe", "MD", "jane@example.org")]
    assert contacts("Media contact:\nJane Doe\nUnited Nations\njane@example.org") == [
        ("Jane Doe", "United Nations", "jane@example.org")]
    # where a department ends and a name begins, no rule can say: left whole
    r = read_text(f"Acme results\n\n{lead}\n\nContact: Director of Public Affairs John Smith, "
                  "(202) 555-0100\n", markdown=False)
    assert [c.name for c in r.contacts] == ["Director of Public Affairs John Smith"]
    # a byline or a date sentence closed by a full stop is no dateline; an event's line
    # under the lead takes the lead from no one
    for opening in ("Jane Doe, Staff Writer March 3, 2024.", "Published March 3, 2024.",
                    "News Provided By Tellusant, Inc. September 24, 2024."):
        r = read_text(f"Acme results\n\n{opening} {lead}\n", markdown=False)
        assert r.dateline_city is None, opening
    event = ("Acme Investor Day, Grand Hyatt New York, June 12, 2024. Doors open at 8 a.m. and "
             "the programme starts at 9.")
    r = read_text(f"Acme investor day\n\n{lead}\n\n{event}\n", markdown=False)
    assert r.paragraphs == (lead, event) and r.dateline_city is None


def test_a_pages_press_section_and_kind_labels_and_an_embargo_sentence() -> None:
    # UNICEF France: "Centre de presse" / "Déclaration" over the headline; a site's
    # "JOIN OUR EMAIL LIST" is no title; WHO/Europe: the embargo stated in a sentence
    lead = ("NEW YORK, 7 septembre 2009 – L'UNICEF est extrêmement préoccupé par la décision "
            "du gouvernement d'expulser son porte-parole du pays.")
    headline = "La Directrice générale défend la voix de l'UNICEF pour les enfants"
    r = read_text(f"Centre de presse\n\nDéclaration\n\n{headline}\n\n{lead}\n", markdown=False,
                  languages=("fr",))
    assert r.title == headline
    r = read_text(f"JOIN OUR EMAIL LIST\n\n{headline}\n\n{lead}\n", markdown=False)
    assert r.title == headline
    embargo = ("Information contained in this notification is subject to a strict media "
               "embargo: 00:01 Hrs GMT+1, 12 September 2018")
    r = read_text(f"Media advisory\n\nCopenhagen, 28 August 2018\n\n{embargo}\n\nWhat: The launch "
                  "of the organisation's report on health in the region, published every three "
                  "years, which tracks the trends in health.\n", markdown=False)
    assert r.embargo_until == datetime(2018, 9, 12, 0, 1, tzinfo=timezone(timedelta(hours=1)))


def test_a_menu_with_news_entries_is_still_a_menu() -> None:
    # a site's "News", "Newsroom", "Press centre" entries are menu entries, not the labels
    # ("Press release", "Media advisory") that say a release starts there
    menu = _MENU.replace("Partnerships\nPartnerships", "News\nNewsroom\nPress centre")
    headline = "Agencies Mourn Loss of Life at the Border Crossing"
    lead = ("Geneva – The two agencies are deeply saddened by the tragic loss of life at the "
            "border crossing on Friday, when some two thousand people tried to cross the fence.")
    r = read_text(f"{menu}\n{headline}\n{lead}\n", markdown=False)
    assert (r.title, r.dateline_city, r.paragraphs) == (headline, "Geneva", (lead,))


def test_what_the_label_furniture_and_embargo_sentence_rules_must_not_catch() -> None:
    # Found by a review of the rules above
    lead = ("OTTAWA, March 3, 2025 – The Ministry will publish its 2025 climate report next "
            "week. The report is subject to a strict embargo until Friday, and journalists may "
            "request an advance copy.")
    r = read_text(f"Minister Releases Climate Report\n\n{lead}\n\nMore follows.\n", markdown=False)
    assert (r.dateline_city, r.embargo_until, r.paragraphs[0]) == ("OTTAWA", None, lead)
    # a hand-wrapped first line in title case, the sentence going on in lower case
    wrapped = ("The Minister of Health and the Director-General of the World Health Organization"
               "\nsigned an agreement today in Geneva on cooperation in the fight against "
               "tuberculosis in the region, with new funding for five years.")
    r = read_text(f"Health agreement signed\n\n{wrapped}\n\nMore follows.\n", markdown=False)
    assert r.subtitles == () and r.paragraphs[0] == wrapped.replace("\n", " ")
    # a label over a lead: the lead stays the lead, never the title
    text = ("The minister today welcomed the agreement reached by the parties on the future of "
            "the coastal fisheries.")
    for label in ("Statement", "Search", "Newsroom", "Déclaration"):
        r = read_text(f"{label}\n\n{text}\n\n\"It is a good day,\" she said.\n", markdown=False)
        assert r.title is None and r.paragraphs[0] == text, label


def test_the_language_of_a_release_saved_on_one_line() -> None:
    # A page saved as a single line (OTS): the language was detected from the text under the
    # first line, which was nothing, so the site's language was used; and a start that
    # fastText cannot place (an English headline, names) now falls back to the text further on
    from feeds.intake.release import parse_release

    text = ("Happy Birthday, WWF! / Am 10. Mai wird der WWF Deutschland 40 Jahre alt Frankfurt am "
            "Main (ots) - Der Panda, das Wappentier des World Wide Fund for Nature, wird viel "
            "Puste brauchen: Vierzig Kerzen stehen am 10. Mai auf der Geburtstagstorte der "
            "Umweltschutzorganisation, denn an diesem Tag wird der WWF Deutschland vierzig Jahre "
            "alt. Am 10. Mai 1963 wurde der WWF in der damaligen Bundeshauptstadt Bonn gegründet, "
            "zwei Jahre nachdem die Mutterorganisation in der Schweiz ins Leben gerufen worden "
            "war. Zu den Gründungsvätern zählten unter anderem bekannte Persönlichkeiten aus "
            "Politik und Wirtschaft, die sich für den Schutz der Natur einsetzen wollten.\n")
    release = parse_release(text.encode(), "wwf.txt", site_language="en")
    assert (release.language, release.language_source) == ("de", "detected")


def test_a_wire_dateline_with_an_iana_time_zone() -> None:
    # Newsworthy.ai: "… (Newsworthy.ai) Monday Jan 5, 2026 @ 8:00 AM America/Toronto — …"
    lead = ("Jacksons Point, Ontario, Canada (Newsworthy.ai) Monday Jan 5, 2026 @ 8:00 AM "
            "America/Toronto — The HR Research Institute is proud to release its latest study.")
    r = read_text(f"Study released\n\n{lead}\n", markdown=False)
    assert (r.dateline_city, r.date, r.embargo_until) == ("Jacksons Point", date(2026, 1, 5), None)


def test_a_polish_dateline_and_a_pr_karma_block_naming_a_known_person() -> None:
    r = read_text("Tytuł\n\nWarszawa, 7 marca 2023 r. – Ponad 900 tysięcy dzieci z Ukrainy "
                  "korzysta z możliwości edukacyjnych w Polsce.\n", markdown=False,
                  languages=("pl",))
    assert (r.dateline_city, r.date) == ("Warszawa", date(2023, 3, 7))
    # the glued wire block names the person the release named already: one contact
    lead = ("KAMLOOPS, B.C. — Greg Scott and his daughter have now skied every lift-serviced "
            "ski area in the province, under the banner of their foundation.")
    text = (f"Skiing for change\n\n{lead}\n\nMore information: Greg Scott, co-founder "
            "gs@tidbits.example.org\n\nContactGreg Scott Tidbits of Change Foundation Email Us "
            "Here\n\n Edmonton, AB\n\nCanada\n\n7802672527\n")
    r = read_text(text, markdown=False)
    assert [(c.name, c.email, c.phone) for c in r.contacts] == [
        ("Greg Scott", "gs@tidbits.example.org", "7802672527")]


def test_more_section_labels_over_a_headline() -> None:
    # Italian "Rassegna stampa" (press review) and French "Flash Infos" over a headline
    lead = ("MILANO, 12 marzo 2024 – Fiera Milano ha chiuso il bilancio dell'anno con ricavi in "
            "crescita in tutti i settori e nuove manifestazioni in calendario.")
    r = read_text(f"Rassegna stampa\n\nFIERA MILANO CHIUDE UN ANNO RECORD\n\n{lead}\n",
                  markdown=False, languages=("it",))
    assert r.title == "FIERA MILANO CHIUDE UN ANNO RECORD"
    r = read_text(f"Flash Infos\n\nLe ministère dément une fausse information\n\n{lead}\n",
                  markdown=False)
    assert r.title == "Le ministère dément une fausse information"
