"""Held-out real releases (tests/heldout): 20 files the reader was never tuned on, labelled by hand
before the reader was run on them (see tests/heldout/SOURCES.md). Same fields and comparison as
tests/test_corpus.py; a miss judged ambiguous or not worth a rule is an xfail(strict) in XFAIL."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.test_corpus import FIELDS, actual, expected

HELDOUT = Path(__file__).resolve().parent / "heldout"
EXPECTED = json.loads((HELDOUT / "expected.json").read_text(encoding="utf-8"))
RELEASES = {Path(r["file"]).name: r for r in EXPECTED["releases"]}

# (file, field) -> why the miss is left alone. strict: a fix that makes one pass shows up.
XFAIL: dict[tuple[str, str], str] = {
    ("05_newsdirect-ncma-applegate.txt", "body_paragraphs"):
        "an image line and a headless boilerplate written 'NCMA – www… – has grown as a "
        "professional society' (no 'is a … organisation') are read as body",
    ("09_regeringen-loow-arbetsmiljoverket-sv.txt", "body_paragraphs"):
        "ambiguous: the last paragraph ('Arbetsmiljöverket är en myndighet som …') describes the "
        "agency; the reader takes it for boilerplate, the label for body",
    ("10_itnewslat-comunicae-alianza-es.txt", "body_paragraphs"):
        "company blurbs as a bold name line plus a '- ' list item, with no 'About'/'Acerca de'",
    ("11_berlin-mitte-aufraeumaktion-de.txt", "contacts"):
        "'Org, Name / Agency, Tel. 030 – 897 29 29 2': organisation before the person, and "
        "German phones with an en dash between area code and number",
    ("12_regeringen-ministrar-besok-sv.txt", "contacts"):
        "a media invitation in 16 '## ' sections, each with its own 'Kontakt:' block: every block "
        "is read now, but one person (Adam Schelin) is merged into the contact above",
    ("12_regeringen-ministrar-besok-sv.txt", "body_paragraphs"):
        "a media invitation in 16 '## ' sections separated by '---' rules: the body ends at the "
        "first contact block",
    ("14_reportable-prclub-bell-ringer.txt", "contacts"):
        "ambiguous: 'For sponsorship inquiries, contact admin@…' is a call to action inside the "
        "body (label: not a media contact); the reader takes it for a contact line",
    ("14_reportable-prclub-bell-ringer.txt", "body_paragraphs"):
        "same line: the reader ends the body at the sponsorship contact line, the label runs on",
    ("15_newmediawire-aha-wellbeing-embargo.txt", "contacts"):
        "ambiguous: the desk line 'For Media Inquiries and AHA/ASA Expert Perspective: 214-…' is "
        "labelled by its label (as corpus 15 names its desk); the reader keeps it nameless",
    ("15_newmediawire-aha-wellbeing-embargo.txt", "body_paragraphs"):
        "'Co-authors, disclosures and funding sources are listed in the manuscript.' is kept as "
        "body; only a rule for this one publisher's wording would drop it",
    # Batch 2 (21-35)
    ("21_asf-foundation-incorporates-wrapped.txt", "date"):
        "the date is in a dateline whose place is a URL ('http://www.apache.org/ -- June 30, 1999 "
        "--'); one organisation's 1999 habit, not a city dateline",
    ("22_asf-tuscany-sca-wrapped.txt", "dateline_city"):
        "'FOREST HILL MD – 14 October 2008 –': a US state abbreviation without a comma reads as "
        "part of the city; telling 'MD' from a last word of a city name needs a list of state "
        "codes",
    ("23_asf-subversion-hash-endmark.txt", "dateline_city"):
        "an event name between city and date ('OAKLAND, Calif., APACHECON US 2009, Nov. 4, 2009 "
        "—') is not a dateline shape the reader knows",
    ("23_asf-subversion-hash-endmark.txt", "date"):
        "same dateline with the event name inside it: the date in it is not read",
    ("24_docslib-chichester-mayor-hash-notes.txt", "contacts"):
        "ambiguous: 'Email: [email protected]' (the site's address protection) is labelled as a "
        "stripped value (''); the reader reports no e-mail (None)",
    ("26_oxfam-forbes-2019-notes.txt", "title"):
        "by design: a release without a headline gets a title from its file name; the label says "
        "the text has none",
    ("27_govuk-charity-inquiries-notes.txt", "body_paragraphs"):
        "GOV.UK page furniture (one-line summary, 'This news article was withdrawn on', 'No "
        "longer current…', 'PR 68/14') is read as body",
    ("29_unhcr-world-refugee-day-ar.txt", "dateline_city"):
        "'جنيف، 20 يونيو/ حزيران (…)-': an Arabic dateline without a year and with an agency name "
        "in parentheses; the page's 'قصص أخبارية, 20 يونيو/ حزيران 2014' line above is taken "
        "for the dateline instead",
    ("29_unhcr-world-refugee-day-ar.txt", "body_paragraphs"):
        "the photo caption sits on its own line after the credit line ('UNHCR/D.Kiobo ©'), "
        "without a credit of its own, and is read as the first body block",
    ("31_spinics-nasa-messenger-wrapped.txt", "dateline_city"):
        "'WASHINGTON --' with no date or wire is only a weak dateline, and the lead is not found "
        "under the mail-archive furniture and contact blocks",
    ("31_spinics-nasa-messenger-wrapped.txt", "contacts"):
        "NASA's contact blocks above the headline (name / office / phone / masked address, no "
        "label) are not read as contacts",
    ("31_spinics-nasa-messenger-wrapped.txt", "body_paragraphs"):
        "the second contact block, 'MEDIA ADVISORY: M09-069' and the repeated ALL-CAPS headline "
        "are read as body",
    ("32_savethechildren-farah-credit.txt", "photo_credit"):
        "ambiguous: the 'Credit:' line holds a caption ('Save the Children Ambassador Sir Mo "
        "Farah meets …'); the label takes it as written, the reader finds no credit in it",
    ("33_unhcr-cameroon-briefing-credit.txt", "title"):
        "the page lost its headline; the image's alt text ('A family sitting outside on a muddy "
        "floor.') is the first line and is taken for the title",
    ("33_unhcr-cameroon-briefing-credit.txt", "body_paragraphs"):
        "share-button furniture 'Pin It on Pinterest' after the one body sentence is read as body",
    ("34_blog-nasa-kepler-wrapped.txt", "dateline_city"):
        "'WASHINGTON --' with no date or wire is a weak dateline and the lead is not found under "
        "the blog furniture and NASA's contact blocks",
    ("34_blog-nasa-kepler-wrapped.txt", "contacts"):
        "NASA's unlabelled contact blocks above the headline are not read as contacts, as in 31",
    ("34_blog-nasa-kepler-wrapped.txt", "body_paragraphs"):
        "a contact block, 'RELEASE: 11-007' and the ALL-CAPS headline are read as body, as in 31",
    ("35_asf-apachecon-prnewswire-source.txt", "date"):
        "the dateline's date has no year ('Nov. 11'); the year is only in the body ('ApacheCon US "
        "2009 … November 2-6, 2009'), and the reader does not infer it",
    # Batch 3 (36-60)
    ('37_autoscout24-neuwagen-toml-de.txt', 'body_paragraphs'):
        "ambiguous: the closing Markdown screenshot ('![](…png)', no caption) is kept as a body block; the "
        "label leaves images out of the count (14 instead of 13)",
    ('38_asf-apache-way-caps-wrapped.txt', 'body_paragraphs'):
        "a short list item ('- JAX Innovation Award: Apache Sling') and the capitalised line under it "
        "('Barely six months …') are read as two blocks; the label keeps the block whole (31 instead of 30)",
    ('38_asf-apache-way-caps-wrapped.txt', 'dateline_city'):
        "'FOREST HILL MD – 17 June 2008 –': the state code without a comma is kept in the city, as held-out 22",
    ('44_trove-mcmahon-closing-dateline.txt', 'body_paragraphs'):
        "OCR text with a blank line after every typed line: the first line of the lead is taken for part of the header and the stray OCR marks 'J' and 'i' are kept as paragraphs",
    ('44_trove-mcmahon-closing-dateline.txt', 'dateline_city'):
        "'CANBERRA  8 June 1971' comes at the END of the statement (Australian habit); a closing dateline is not looked for",
    ('45_newsworthy-bektv-time-dateline.txt', 'body_paragraphs'):
        "ambiguous: three closing paragraphs of company boilerplate ('BEK TV is the only North Dakota-owned …') without an About heading are kept as body",
    ('46_cookcounty-split-dateline-hash.txt', 'body_paragraphs'):
        'no blank lines and lines broken at links and bold text: the reader groups the lines into 4 blocks instead of one paragraph a line',
    ('46_cookcounty-split-dateline-hash.txt', 'dateline_city'):
        "the dateline is split over two lines ('CHICAGO' / '– Cook County …') inside a page without blank lines",
    ('46_cookcounty-split-dateline-hash.txt', 'title'):
        "a scraped page without blank lines: page title, 'Skip to main content', 'Press Release' and the headline run together, so no headline is found and the file name is used",
    ('47_asf-apachecon-advisory-mdtext.txt', 'body_paragraphs'):
        'the metadata header, licence notice, PDF link and bold tagline are read as body (11 instead of 6)',
    ('47_asf-apachecon-advisory-mdtext.txt', 'contacts'):
        "ambiguous: the press contact is a Markdown mailto link broken over two lines inside the 'Press Registration' paragraph, not a contact block",
    ('47_asf-apachecon-advisory-mdtext.txt', 'title'):
        "the CMS metadata header ('Title: …' and an indented 'Notice:' licence) is not read as front matter, so the title comes from the file name",
    ('48_brooklynda-single-hash-nav.txt', 'body_paragraphs'):
        'no blank lines: the reader groups the lines into 4 blocks (navigation, body, footer) instead of one paragraph a line',
    ('48_brooklynda-single-hash-nav.txt', 'end_mark'):
        "a single '#' on its own line is not taken for an end mark ('# # #' and '###' are)",
    ('48_brooklynda-single-hash-nav.txt', 'title'):
        "scraped page without blank lines: navigation, 'FOR IMMEDIATE RELEASE', the date and the headline run together, so the file name is used",
    ('50_newmediawire-aha-propranolol-embargo.txt', 'body_paragraphs'):
        "'Co-authors, disclosures and funding sources are listed in the manuscript.' is kept as body, as in held-out 15",
    ('54_querypie-ashisuto-partnership-ja.txt', 'body_paragraphs'):
        "the '## 〜…〜' subtitle, the bold date line and the MDX image tags ('<ArticleFileImage …') are kept as body (29 instead of 25)",
    ('55_trove-whitlam-news-letterhead.txt', 'body_paragraphs'):
        'the ALL-CAPS OCR headline under the date line is read as the first body paragraph',
    ('55_trove-whitlam-news-letterhead.txt', 'photo_credit'):
        "OCR garbage from the letterhead ('B®KB0@K)  &BB&OB2©') ends in '©' and is taken for a photo credit",
    ('56_statedept-unicef-75-blog-ar.txt', 'date'):
        "the blog's date line 'Saturday, December 11, 2021' above the post is taken instead of the statement's '10 كانون الأول/ديسمبر، 2021'",
    # Batch 4 (61-85)
    ('63_nodejs-express-date-mismatch.txt', 'date'):
        "the front-matter date (2016-10-02, month and day swapped) is taken over the dateline's 'Feb. 10, 2016'",
    ('68_sourcegraph-abcs-mdash-entity.txt', 'body_paragraphs'):
        "the '## ' heading glued to the first quote and each '&mdash; Name, age' attribution line become blocks of their own (10 instead of 7)",
    ('69_sourcegraph-seriesb-mdash.txt', 'body_paragraphs'):
        "'## ' headings and '&mdash; …' attribution lines glued to their paragraphs become blocks of their own (19 instead of 12)",
    ('73_xrsheffield-locked-up-ends.txt', 'contacts'):
        "'Nila: xrsheffield@gmail.com': a single given name before the colon is not taken for a name",
    ('74_xrsheffield-paint-streets-ends.txt', 'body_paragraphs'):
        "ambiguous: the 'Facebook Event: https://…' link line before the end mark is kept as body (7 instead of 6)",
    ('76_xrch-nogoingback-it.txt', 'date'):
        "ambiguous: Hugo's front-matter 'publishdate' (2020-07-15) is taken as the date, as front matter wins over the text; the label takes the dateline's 18 July",
    ('76_xrch-nogoingback-it.txt', 'body_paragraphs'):
        "the epigraph of quotations under the headline ('\"Continuare come prima…\" - Walter Benjamin, 1937') is taken for the lead; the label starts at 'Circa 100 attivisti' (7 instead of 5)",
    ('78_xrch-medienmitteilung-de.txt', 'body_paragraphs'):
        "hard-broken lines inside three paragraphs are read as paragraphs of their own, and the bold lead is joined to the next (22 instead of 20)",
    ('81_querypie-mitoco-ja.txt', 'body_paragraphs'):
        "MDX: '<br />' lines and '<ArticleFileImage …>' tags are kept as blocks of their own; the label reads '<br />' as a paragraph break (24 instead of 16)",
    ('77_xrch-nogoingback-fr.txt', 'date'):
        "ambiguous: Hugo's front-matter 'publishdate' (2020-07-15) is taken as the date, as in 76; the label takes the dateline's 18 July",
    ('79_xrch-giec-note-editeurs-fr.txt', 'contacts'):
        "ambiguous: the phone for journalists sits in a bold body bullet ('Elle est joignable par téléphone … au 079 800 36 72'), not in a contact block",
    ('80_querypie-notepie-ja.txt', 'body_paragraphs'):
        "the JSX <Box><p style={{…}}> subtitle, the <ArticleFileImage> tag and the Japanese About section ('## QueryPieについて') are kept as body (20 instead of 11)",
    ('83_regeringen-lkab-borg-sv.txt', 'body_paragraphs'):
        "the intro sentence and the '* ' list of nominees before the '– ' quote are dropped as header (5 instead of 7)",
    ('84_numerique-franceconnect-fr.txt', 'body_paragraphs'):
        'the two-line HTML <div> quote is split into two blocks and the inset <div class="encadre noir"> box is kept (19 instead of 17)',
    ('85_investegate-ba-ifrs-ends.txt', 'title'):
        "an RNS page without blank lines: its first header line, the category 'IFRS Report - Part 1', is taken for the title; the label's headline is the fourth, in capitals",
    ('85_investegate-ba-ifrs-ends.txt', 'body_paragraphs'):
        "the wrapped '2004/' then '05.' line: a number alone on a line is taken for an empty numbered "
        "list item ('1.' with its text on the next line is one), so the sentence's end is a block of its own (6 instead of 5)",
    # Batch 5 (86-110)
    ('87_okfn-bits-baeume-broken-yaml-de.txt', 'dateline_city'):
        "'Berlin. In diesem Jahr …': a German dateline ended by a full stop, not a dash, is not read",
    ('87_okfn-bits-baeume-broken-yaml-de.txt', 'contacts'):
        "the lone '**E-Mail**: presse@…' line after the text, with no contact heading, is not read as a contact",
    ('88_pilosa-toml-contact-first-html-hash.txt', 'dateline_city'):
        "the dateline inside an HTML <b> tag with spaces inside the tag ('<b> AUSTIN, May 2, 2017 </b> –') is not read",
    ('88_pilosa-toml-contact-first-html-hash.txt', 'contacts'):
        "the 'Media Contact' block ABOVE the headline (hard-broken lines: name, agency, address, phone) is not read",
    ('88_pilosa-toml-contact-first-html-hash.txt', 'body_paragraphs'):
        "the PRWeb link line, the <h5> headline, the subtitle, the '<b> About Pilosa </b>' section and the '###' paragraph are kept as body (16 instead of 7)",
    ('88_pilosa-toml-contact-first-html-hash.txt', 'end_mark'):
        'the end mark \'###\' inside an HTML paragraph (\'<p style="text-align: center;"> ###  </p>\') is not seen',
    ('90_nadeau-gsf-mdash-dateline.txt', 'body_paragraphs'):
        "the heading 'For more information about Grandir Sans Frontières' over the boilerplate is kept as body (6 instead of 5)",
    ('92_aocsj-otter-society-table-ja.txt', 'contacts'):
        "Japanese contact lines with title and surname AFTER the address ('<…> / 092-… 理事長 佐々木'): the first is read without its name, the second ('<…> 事務局長 岡元 （…）') not at all",
    ('92_aocsj-otter-society-table-ja.txt', 'body_paragraphs'):
        "the '# 概要' heading and the three unblanked lines of the overview block are read as four paragraphs, and the '# 団体情報' fact table is kept (6 instead of 1)",
    ('93_tellusant-berumen-einpresswire.txt', 'contacts'):
        "the second contact block starts with a bold organisation line ('**Berumen y Asociados**'), read as the name, the person as the organisation",
    ('94_tellusant-stratboard-unicode-about.txt', 'body_paragraphs'):
        "ambiguous: the About heading in Unicode mathematical bold letters ('𝗔𝗕𝗢𝗨𝗧 𝗣𝗢𝗟𝗨𝗦𝗜𝗠') is not read as an About heading, so its six paragraphs are body (8 instead of 1)",
    ('95_tellusant-amaro-unlabelled-contact.txt', 'contacts'):
        "the wire's UNLABELLED signature block after a '---' rule (name, organisation, phone, address) is not read as a contact",
    ('96_opensuse-leap155-no-date-dateline.txt', 'body_paragraphs'):
        "the Download/Questions/Get involved sections (link-only lines, unheaded boilerplate), a stray <meta> tag and '### ' headings glued to their paragraphs are kept or split (27 instead of 13)",
    ('97_devitalia-lancio-photo-credit-it.txt', 'body_paragraphs'):
        "the image line and the further-reading link line are kept as body (7 instead of 5)",
    ('102_hardwario-zat-date-only-cs.txt', 'date'):
        "by design: the front-matter date (2023-03-12) wins over the text's italic date line '*13. března 2023* –' (a day later)",
    ('102_hardwario-zat-date-only-cs.txt', 'body_paragraphs'):
        "the company sections under bare names ('### HARDWARIO', '### ZAT'), without 'About', are kept as body (8 instead of 4)",
    ('104_oursql-html-body-press-date.txt', 'date'):
        "ambiguous: the front matter's 'date' (2026-05-26, the list's sort order) is taken; its own comment says the release reads 'press_date' 2026-05-27",
    ('104_oursql-html-body-press-date.txt', 'body_paragraphs'):
        'an HTML body: <li> items, board-table <div> rows, wrapper tags and FAQ <p> lines are read one line per block, and the About section and trademark note are kept (44 instead of 18)',
    ('105_opensuse-forum-bilingual-pt.txt', 'body_paragraphs'):
        "ambiguous: the '---' rule, '#English' and the English translation after it are kept (16 instead of 7)",
    ('107_ots-oevp-korrektur-dated-de.txt', 'contacts'):
        "ambiguous: the desk label 'Pressestelle' is read as the organisation (name None); the label names the desk as corpus 15",
    ('107_ots-oevp-korrektur-dated-de.txt', 'body_paragraphs'):
        "the paragraph's last line (the quote) is split off as a block of its own (2 instead of 1)",
    ('108_afry-fortydligande-wrapped-sv.txt', 'title'):
        "the page's first line is an image ALT TEXT ('Woman tying shoelaces, …'), taken as the title",
    ('108_afry-fortydligande-wrapped-sv.txt', 'date'):
        "the newsroom date line 'tis, 12/11/2013 - 07:30 CET' (Swedish weekday, day/month) and the ISO date in the headline are not read",
    ('108_afry-fortydligande-wrapped-sv.txt', 'body_paragraphs'):
        "the signature 'Informationsavdelningen / ÅF AB', the unheaded company boilerplate and the 'Related files' furniture are kept (7 instead of 4)",
    ('109_coor-avyttring-yearless-sv.txt', 'date'):
        "ambiguous: the release date is written without a year ('slutförts idag, 1 november'), the year only in an earlier sentence ('Den 26 september 2017'); no date is read",
    ('110_marketwired-advisory-no-headline.txt', 'title'):
        'by design: a release without a headline gets a title from its file name; the label says null',
    ('110_marketwired-advisory-no-headline.txt', 'dateline_city'):
        "the Marketwired dateline behind page metadata (' date 2017-02-14 OTTAWA, ONTARIO -- (Marketwired) -- 02/14/17 --') is not read",
    ('110_marketwired-advisory-no-headline.txt', 'date'):
        "same line: neither the metadata date '2017-02-14' nor the MM/DD/YY date '02/14/17' is read",
    ('110_marketwired-advisory-no-headline.txt', 'contacts'):
        "ambiguous: the desk 'Media Relations' (a contact heading's words on a line of its own) opens a nameless contact; the label names the desk by it, as in 15",
    # Batch 6 (111-124)
    ('111_gitlab-q1-earnings-advisory-all-remote.txt', 'body_paragraphs'):
        "ambiguous: the Regulation FD disclosure paragraph ('GitLab uses its Investor Relations website … under Regulation FD.') is kept as body; the label reads it as a disclaimer (4 instead of 3)",
    ('119_treasury-bea-glued-words-contact-sentence.txt', 'contacts'):
        "the closing contact sentence with a glued name ('Forfurther information on the BEA Program, contact Jennifer Jacokesof the CDFI Fund at (202) 622-8662.') is not read as a contact",
    ('119_treasury-bea-glued-words-contact-sentence.txt', 'body_paragraphs'):
        "same sentence: the 'Forfurther information … contact …' line is kept as a body paragraph (9 instead of 8)",
    ('120_stm-pressemoede-covid-stars-da.txt', 'title'):
        "page furniture above the headline ('Indholdet på denne side vedrører regeringen …' / 'Pressemeddelelser', no blank line between) is taken as the title",
    ('120_stm-pressemoede-covid-stars-da.txt', 'body_paragraphs'):
        "the first '***' divider ends the body, so the 'Bemærk:' list is dropped (1 instead of 5; ambiguous: the list could be read as notes to editors)",
    ('121_ritzau-fck-mestre-no-blank-lines-da.txt', 'contacts'):
        "Danish contact sentences under the heading 'Pressetilmelding og yderligere information' ('… til kommunikationskonsulent Tildde Sønder Vindfeldt, f28s@okf.kk.dk tlf. 2538 0516.') are not read",
    ('121_ritzau-fck-mestre-no-blank-lines-da.txt', 'body_paragraphs'):
        "a page without blank lines: the contact heading and sentences, the 'Program' heading and list and the sender block are kept as body (10 instead of 4)",
    ('122_regjeringen-gardermoen-contacts-sentence-nn.txt', 'language'):
        "Nynorsk is reported as the macrolanguage 'no'; the label says 'nn'",
    ('122_regjeringen-gardermoen-contacts-sentence-nn.txt', 'contacts'):
        "two contacts inside one Nynorsk sentence ('Pressekontaktar for statsministeren er statssekretær Halvard Ingebrigtsen, telefon …, e-post … og kommunikasjonsrådgivar Anne Nordskog, …') are not read",
    ('122_regjeringen-gardermoen-contacts-sentence-nn.txt', 'body_paragraphs'):
        "same sentence: the 'Pressekontaktar …' paragraph is kept as body (5 instead of 4)",
    ('123_em-presseinvitation-no-headline-da.txt', 'title'):
        'by design: a release without a headline gets a title from its file name; the label says null',
    ('124_milano-conte-advisory-repeated-title.txt', 'contacts'):
        "ambiguous: the press-office address inside a body sentence ('Please send an email to comunication. ufficiostampa@comune.milano.it …') is not a contact block; the label lists it, as 99 lists a contact sentence",
    ('124_milano-conte-advisory-repeated-title.txt', 'body_paragraphs'):
        "the page furniture 'Subjects:' and 'Updated: 20/11/2019' after the text is kept as body (4 instead of 2)",
    ('126_flatpak-launch-sup-dateline-photo-caption.txt', 'body_paragraphs'):
        "two Markdown image lines (a linked image with a 'Photo by' caption, a bare screenshot with alt text) are kept as body (25 instead of 23)",
    ('127_flatpak-1-0-bold-colon-dateline-disclaimer.txt', 'body_paragraphs'):
        "the closing italic reuse notice ('*This press release, including all content and media, can be freely used …*') is kept as body (11 instead of 10)",
    ('128_jakarta-globenewswire-hash-quotes-after-endmark.txt', 'contacts'):
        "an 'Editorial Contact<br/>' block after a second '###' (name<br/>, phone<br/>, an HTML <a href=\"mailto:…\"> anchor) at the end of a section of member quotes is not read",
    ('128_jakarta-globenewswire-hash-quotes-after-endmark.txt', 'body_paragraphs'):
        "a '## I. …' heading glued to two single-newline-separated paragraphs (one blank-line block) is split into three (13 instead of 11)",
    ('136_businesswire-carrefour-regulatory-news-fr.txt', 'body_paragraphs'):
        "the dateline line 'PARIS--()--Regulatory News:' (a dateline and Business Wire's tag, no text) is kept as the lead; the label's lead is the issuer line under it (12 instead of 11)",
    ('138_nl-gov-note-to-editor-nlis-stamp.txt', 'title'):
        "the site furniture line 'News Releases' is taken as the title; the headline 'NOTE TO EDITOR: Municipal Awareness Campaign' comes after a navigation line, a release number, a date line and a department line",
    ('138_nl-gov-note-to-editor-nlis-stamp.txt', 'contacts'):
        "the issue stamp '2001 08 06' + spaces + '4:10 p.m.' after the contacts is read as a nameless contact's phone, in place of the second contact 'Craig Pollett, … Municipalities (709) 738-1750' (no comma before the phone)",
    ('139_csa-advisory-no-headline-no-dash.txt', 'title'):
        'by design: an advisory without a headline gets a title from its file name; the label says null (as 110/123)',
    ('146_nieuwsbank-unicef-uitnodiging-nl.txt', 'body_paragraphs'):
        "ambiguous: the cut registration line 'Voor aanmelding voor de opening ku' (a contact sentence cut before any name) is kept as body (5 instead of 4)",
    # Batch 10 (147-156)
    ('147_reportable-pacylex-period-dateline-glued-contact.txt', 'contacts'):
        "a contact run together with its title, 'E:'/'P:' labels, social links, the About and the forward-looking statements on one line ('Contact: Michael J. WeickertCEO, …Inc.E: michael.weickert@pacylex.comP: 650-218-1840Twitter …') is not read",
    ('147_reportable-pacylex-period-dateline-glued-contact.txt', 'body_paragraphs'):
        "same line: the run-together contact/About/forward-looking-statements paragraph is kept as body (6 instead of 5)",
    ('148_newsworthy-survey-time-dateline-numbered-list.txt', 'contacts'):
        "the contact sentence 'To schedule an interview with …, contact Isaac Lopez at (208) 997–8013 or isaac@redballoon.work.' (en dash inside the phone) is not read",
    ('148_newsworthy-survey-time-dateline-numbered-list.txt', 'body_paragraphs'):
        "the contact sentence and two headless boilerplate paragraphs ('PublicSquare Is America’s largest …', 'Founded In 2021, RedBalloon …') are kept as body (26 instead of 23)",
    ('151_newsdirect-unos-image-bullets-contact-details.txt', 'body_paragraphs'):
        "a Markdown image line '![](…jpg)' and its one-sentence caption under it are kept as body (11 instead of 9; the label would be 10 if the caption were counted)",
    ('152_prkarma-zerowaste-wire-line-two-datelines.txt', 'contacts'):
        "the 'please contact:' line with 'Paolo Muir HSR Zero Waste paolo@… 1-778-…' (no separators) is not read, so the wire block's contact (name, organisation, phone) has no e-mail",
    ('152_prkarma-zerowaste-wire-line-two-datelines.txt', 'body_paragraphs'):
        "the 'For more information …, please contact:' line and the one-line contact under it are kept as body (12 instead of 10)",
    ('154_fao-rimini-communique-caps-headline-fr.txt', 'title'):
        "page furniture over the headline: the section label 'Communiqués de presse' is now read as a label, but 'Archives 2001' under it is taken as the title (the headline is the ALL-CAPS line after 'Communiqué de presse 01/62')",
    ('155_unicef-de-lindenberg-city-line-credit-de.txt', 'dateline_city'):
        "the city alone on a line under the headline ('Köln', no date) is read as a subtitle, not as the dateline",
    ('155_unicef-de-lindenberg-city-line-credit-de.txt', 'body_paragraphs'):
        "the photo alt text 'Udo Lindenberg mit der neuen UNICEF-Weihnachtskarte.' and the caption '… vor.' above the '© UNICEF/…' credit line are kept as body (6 instead of 4; the credit itself is read)",
    ('156_perlapace-unhcr-cordoglio-repost-contact-it.txt', 'date'):
        "the date alone on the last line after 'Fonte: www.unhcr.it' ('28 gennaio 2012') is not read",
    ('156_perlapace-unhcr-cordoglio-repost-contact-it.txt', 'body_paragraphs'):
        "the repeated standfirst, the share-button line 'CondividiShare on Facebook…' and the tag line 'somali' are kept as body (6 instead of 3)",
    # Batch 11 (157-166)
    ('159_newmediawire-swissnet-glued-contacts.txt', 'contacts'):
        "two contact lines with everything glued ('Contact Companyswissnet Group, Berg (Switzerland)Jonathan Sauppe, Co-CEOAndre Jochem, Head of IRjonathansauppe@swissnet.agandrejochem@swissnet.agPhone: +41 …'; '…Axel Muhlhaus/Doron Kaufmannswissnet@edicto.dePhone: +49 …') are not read",
    ('159_newmediawire-swissnet-glued-contacts.txt', 'body_paragraphs'):
        "the ' About swissnet Group' heading (a leading space) and its paragraph, the 'For more information, please visit …' line and the two glued contact lines are kept as body (10 instead of 5)",
    ('160_reportable-stonegate-repeated-dateline-glued-contact.txt', 'contacts'):
        "ambiguous: 'Contacts:Stonegate Capital Partners(214) 987-4121 info@…' names no person (label: name null, as 51); the reader splits the organisation into a name 'Stonegate Capital' and a title 'Partners'",
    ('160_reportable-stonegate-repeated-dateline-glued-contact.txt', 'body_paragraphs'):
        "Reportable's 'To view the full announcement, … click here.' line, the 'Key Takeaways:* …' list split in two at its glued first item, and the '[Click image above …](…)About StonegateStonegate …' line are kept as body (5 instead of 2; 3 if the call-to-action line were body)",
    ('161_who-europe-advisory-gmt-embargo-contacts-first.txt', 'contacts'):
        "two contact blocks ABOVE the text under 'RSVP/Access to the embargoed report and press kit:' (name, title, organisation, 'Tel.:', 'Mobile:' one per line) are not read",
    ('162_unicef-ca-statement-thirty-signup-furniture.txt', 'title'):
        "by design: the page has no headline (the site's 'JOIN OUR EMAIL LIST' is now read as furniture), so the title comes from the file name; the label says the text has none",
    ('163_un-ukraine-unicef-statement-stars-contacts.txt', 'end_mark'):
        "ambiguous: '***' alone on a line between the statement and 'Media contacts' is the UN's end-of-text mark (label); the reader does not take three asterisks for an end mark",
    ('165_unicefusa-ukraine-parens-date-hash.txt', 'title'):
        'by design: a release without a headline gets a title from its file name; the label says null (as 110/139)',
    ('166_unicef-fr-veneman-declaration-contacts-fr.txt', 'contacts'):
        "the French block 'Pour toute information supplémentaire :' with 'Name, UNICEF NY', 'Tél. : + 1 212 …' (a space after '+') and 'Courriel : …' lines is not read",
    ('166_unicef-fr-veneman-declaration-contacts-fr.txt', 'body_paragraphs'):
        "same blocks: the two contact blocks and the site's 'Recherche' line are kept as body (7 instead of 4)",
    # Batch 12 (167-174)
    ('171_pubt-unicef-es-papa-slash-dateline-furniture.txt', 'title'):
        "a reposting site's publisher line 'UNICEF - Comité Español' over a '10/07/2025 | Press release | Distributed by Public on …' line is taken for the title; the headline (glued to the site's '[...]'-cut teaser) becomes a subtitle",
    ('172_ots-wwf-geburtstag-one-line-de.txt', 'title'):
        "one-line OTS text: the 'Headline / Subheadline' runs into 'Frankfurt am Main (ots) - …' on the same line with no separator, so no title line is found and the file name is used",
    ('172_ots-wwf-geburtstag-one-line-de.txt', 'dateline_city'):
        "same line: the OTS dateline 'Frankfurt am Main (ots) -' in the middle of the line, after the headline, is not read",
    ('173_miragenews-unesco-kulyk-date-in-title-no-dateline.txt', 'title'):
        "ambiguous: a reposting site's yearless date glued to the headline after one space ('… in Ukraine 22 March') is kept in the title; the label leaves it out",
    ('173_miragenews-unesco-kulyk-date-in-title-no-dateline.txt', 'body_paragraphs'):
        "ambiguous: the signature line 'Audrey AzoulayUNESCO Director-General' (name glued to title) and UNESCO's standard closing 'UNESCO promotes the safety of journalists …' are kept as body (5 instead of 3)",
    # Batch 13 (175-182)
    ('176_reportable-savewireless-lowercase-standalone-dateline-empty-item.txt', 'dateline_city'):
        "a standalone dateline line in lower case ('Boston, ma - april 15, 2026': state and month not capitalised, a hyphen) is not read; the lead has no dateline",
    ('176_reportable-savewireless-lowercase-standalone-dateline-empty-item.txt', 'date'):
        "same line: the lower-case month 'april 15, 2026' is not read, so the date falls back to first-seen",
    ('176_reportable-savewireless-lowercase-standalone-dateline-empty-item.txt', 'body_paragraphs'):
        "as 160: Reportable's 'To view the full announcement, … click here.' line, the 'Key Takeaways:* …' list split in two at its glued first item, and the '[Click image above …](…)About Save On WirelessFrom …' line are kept as body (5 instead of 2)",
    ('177_newmediawire-neuroone-deck-org-only-glued-contact.txt', 'contacts'):
        "the glued line ' IR ContactMZ Group – MZ North AmericaNMTC@mzgroup.us' (label, agency and address run together, no person) is not read",
    ('179_pronatura-umweltallianz-subheads-contact-list-de.txt', 'contacts'):
        "a German 'Kontakt' label over two '- ' items 'Name, Medienstelle Organisation, Tel. 044 297 22 34' (Swiss numbers with spaces, no e-mail) is not read",
    ('179_pronatura-umweltallianz-subheads-contact-list-de.txt', 'body_paragraphs'):
        "no blank lines: the 'Links' label and its '- ' items, the 'Kontakt' block and the site's 'Weiterführende Informationen' / 'Info' / 'Medienmitteilung Umweltallianz' lines are kept as body (8 instead of 5)",
    ('180_presseportal-wwf-ots-wrapped-city-line-de.txt', 'title'):
        "the portal's French furniture above the publisher name and the headline ('Tous Actualités', 'Suivre', 'Abonner WWF Schweiz') is taken for the title",
    ('180_presseportal-wwf-ots-wrapped-city-line-de.txt', 'dateline_city'):
        "the OTS dateline alone on its line without a dash ('Zürich (ots)') is not read",
    ('180_presseportal-wwf-ots-wrapped-city-line-de.txt', 'body_paragraphs'):
        "the standalone 'Zürich (ots)' line and the 'Box:' sidebar (label, question, text) are kept as body (7 instead of 3; the box is ambiguous)",
    ('181_unicef-eca-nadzieja-date-line-credit-pl.txt', 'photo_credit'):
        "ambiguous: a bare credit line 'unicef-Jurkiewicz' (no '©', no label) under the photo's English alt text is not read as a credit",
    ('182_imgpress-unhcr-grandi-no-title-lines-it.txt', 'title'):
        'by design: a release without a headline gets a title from its file name; the label says null (as 162/165)',
    # Batch 14 (183-190)
    ('186_newsworthy-ecco-contact-label-bare-addresses-glued-quote.txt', 'contacts'):
        "the sentence 'Interested brands may contact apply@eccocert.org' under 'CONTACT': the words before the bare address are taken for a name ('Interested brands may contact')",
    ('187_redcross-es-contact-block-first-no-blank-lines.txt', 'title'):
        "a page that opens with its Spanish media-contact block: the label line 'Contacto con los medios de' / 'comunicación: Martin Gagliano' is taken for the title (ambiguous label: the headline line may be the page's deck)",
    ('187_redcross-es-contact-block-first-no-blank-lines.txt', 'contacts'):
        "a Spanish contact block ABOVE the headline, its label split over two lines ('Contacto con los medios de' / 'comunicación: Name'), then 'Telefono: 669.209.5266' and a bare address: not read",
    ('187_redcross-es-contact-block-first-no-blank-lines.txt', 'body_paragraphs'):
        "no blank lines: the numbered list's excerpt-cut last item ('3' alone) is split off as its own paragraph (5 instead of 4)",
    ('188_sante-ci-communique-iso-date-line-no-dateline-fr.txt', 'title'):
        "ambiguous: the page's only headline is the genre label 'COMMUNIQUE DE PRESSE' (the label takes it); the reader reads it, and the site's 'Flash Infos' above it, as labels, so the title comes from the file name",
    ('189_pressekat-caritas-ots-invitation-no-city-wrapped-de.txt', 'title'):
        'by design: a release without a headline gets a title from its file name; the label says null (as 182)',
    ('189_pressekat-caritas-ots-invitation-no-city-wrapped-de.txt', 'contacts'):
        "ambiguous: the only address is written with '(at)' in a registration sentence ('Voranmeldung unter Achim.Reinke(at)caritas.de'); the 'Pressekontakt:' block is cut before any value: no contact is read",
    ('189_pressekat-caritas-ots-invitation-no-city-wrapped-de.txt', 'body_paragraphs'):
        "ambiguous: OTS text hard-wrapped at 70 columns without blank lines: a topic heading runs into its paragraph, the second topic is merged, the time-and-place block is split and the sign-off and 'Pressekontakt' block are kept as body (7 instead of 9)",
}


# What a refused file (`feeds inspect` exit 1, an "error" item) stands for: a value that matches no
# label in any field, so each of its fields counts as a miss instead of stopping the whole run.
def _refused(error: str) -> dict[str, Any]:
    return {"title": f"refused: {error}", "dateline": "refused", "date": "refused", "date_source": "text",
            "language": "refused", "embargo_until": "0001-01-01T00:00:00+00:00",
            "photo": {"credit": "refused"}, "contacts": [{"name": "refused", "email": None, "phone": None}],
            "paragraph_count": -1, "end_mark": "refused"}


@cache
def inspected() -> dict[str, dict[str, Any]]:
    """`feeds inspect --json` on the held-out files, as tests/test_corpus.py runs it, except that a
    refused file (exit status 1) is kept as a file whose every field misses."""
    files = [HELDOUT / "releases" / name for name in sorted(RELEASES)]
    out = subprocess.run(
        [sys.executable, "-m", "feeds", "--config", str(REPO / "config.toml"), "inspect", "--json",
         *map(str, files)], capture_output=True, text=True,
    )
    if out.returncode not in (0, 1):
        raise RuntimeError(f"feeds inspect failed ({out.returncode}): {out.stderr}")
    items = {Path(item["path"]).name: item for item in json.loads(out.stdout)}
    return {name: _refused(item["error"]) if "error" in item else item for name, item in items.items()}


def _cases() -> list[Any]:
    cases = []
    for name in sorted(RELEASES):
        for field in FIELDS:
            reason = XFAIL.get((name, field))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(name, field, marks=marks, id=f"{name}-{field}"))
    return cases


@pytest.mark.parametrize(("name", "field"), _cases())
def test_heldout_field(name: str, field: str) -> None:
    assert actual(inspected()[name], field) == expected(RELEASES[name], field)
