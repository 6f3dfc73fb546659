# ruff: noqa: E501
"""The four measure tables of the Meißen expert workshop (seed 002), as the protocol prints them:
one line per row, cells separated by tabs; bullet lists inside a cell flattened to „- a - b“."""

GROUP_TABLES = {
    1: (
        "Priorität\tMaßnahme (Idee/Beschreibung)\tMehrwert (Ziele der Maßnahme)\tMachbarkeit (Zeithorizont, Erfolgskriterien)\n"
        "1\tCoworking im Landkreis weiter voranbringen\t- Bekanntmachung dieser Arbeitsform - Attraktivität steigern\t- Testphase mit Popup - Zeitraum: ca. 3 Monate - Marketing zwingend notwendig - Kooperation mit Hochschulen\n"
        "2\tPlattform zum Austausch für digitale Themen für Unternehmen / Institutionen\t- unternehmensübergreifende Weiterbildungsangebote - bundesweiter Austausch\t- langfristige Entwicklung - Experten, die moderieren\n"
        "3\tAutomatisierung: Beratung von Unternehmen\t- Kontaktvermittlung - Sharing ermöglichen für kleine Unternehmen\t- Experteninput durch Landkreis vermittelt - Landkreis oder Förderprogramme müssen finanzielle Mittel für die Anschaffung von Software/Technik zur Verfügung stellen\n"
        "4\tHomeoffice Landratsamt/Rathäuser (mit gutem Beispiel voran)\t- Kapazitäten schonen - nachhaltig / umweltfreundlich\t- technische Ausstattung bereitstellen - kollegialer Austausch muss erhalten bleiben\n"
    ),
    2: (
        "Priorität\tMaßnahme (Idee/Beschreibung)\tMehrwert (Ziele der Maßnahme)\tMachbarkeit (Zeithorizont, Erfolgskriterien)\n"
        "1\tTourismusportal für Gäste und Anbieter\talle Angebote auf einem Blick\ttechnische machbar, finanziell zu klären\n"
        "2\tdigitale Gästekarte\talle touristischen Angebote des Landkreises buchbar und nutzbar (inkl. Anreizsystem)\ttechnische machbar, finanziell zu klären\n"
        "3\tStrategieworkshop Markenbildung\tImagebildung LK Meißen - Wohnen / Leben / Arbeiten - Tourismus\tin Arbeit\n"
    ),
    3: (
        "Priorität\tMaßnahme (Idee/Beschreibung)\tMehrwert (Ziele der Maßnahme)\tMachbarkeit (Zeithorizont, Erfolgskriterien)\n"
        "1\tWissenstransfer - praktische Ausbildung in Schule - unternehmensintern alt - jung\t- Wissen bewahren, Aufwand für Wiedereinstieg reduzieren - Interesse wecken, Berufsorientierung\t- sofort umsetzbar - immerwährende Organisation\n"
        "2\tlebenslanges Lernen - alt -> digitale, jung -> analog\t- Wissensaufbau, Praxisverständnis\t- mittelfristig - gegenseitiges Verständnis, ggf. Moderation - Solidarität, Wertschätzung\n"
        "3\tÖPNV digitalisieren - Schaffung von Angeboten und Zugängen - alternative Angebote (Schichtshuttle, Carsharing)\t- bessere Erreichbarkeit Standorte - Flexibilität, erweitertes Einzugsgebiet - Nachhaltigkeit\t- mittelfristig - Bedarfsanalyse - Budget - Akzeptanz, Sicherheit\n"
    ),
    4: (
        "Priorität\tMaßnahme (Idee/Beschreibung)\tMehrwert (Ziele der Maßnahme)\tMachbarkeit (Zeithorizont, Erfolgskriterien)\n"
        "1\tKreis-IT-Schule\tFachkräfte + digitale Bildung\t2030 (Crowdfunding Unternehmen)\n"
        "2\tStabstelle Smart Region\tdigitaler Vorreiter\t2-3 Jahre (Kreishaushalt)\n"
        "3\tOffene-Daten-Plattform\tNutzerkreis erhöhen / Innovation befördern\toffen / 2030\n"
    ),
}
