"""Built-in cue grammar in EN, FR, DE, ES, IT and NL: gifts, sponsorship, commission statements, shopping.

Every pattern runs over folded text (lowercase, accents removed, plain apostrophes; see fold.py).
These are grammar, not policy: the charter's `phrases` add a community's own wording on top.
Promo codes have their own module (codes.py) because a code must be told from prose.
"""

from __future__ import annotations

import re

# A name as written before or after a verb: one to three words, an optional @. BRAND must also be
# written with a capital or an @ ("free sneakers from Stridewell", not "free workshop from 5pm").
WHO = r"(?P<who>@?[\w][\w.&'-]*(?:[ \t]+[\w][\w.&'-]*){0,2}?)"
BRAND = r"(?P<brand>@?[\w][\w.&'-]*)"
# An empty group: the giver is the words just before the match ("Lumio sent me", not "my mom sent me").
SUBJECT = r"(?P<subject>)"

GIFT: dict[str, tuple[str, ...]] = {
    "en": (
        r"#(?:gifted|giftedby\w*|prgift|prpackage|freebie)\b",
        r"\bgifted\s+(?:to\s+(?:me|us)\s+)?(?:by|from)\b",
        r"\b(?:kindly|generously|graciously)\s+(?:gifted|sent|provided|supplied|given)\b",
        r"\bpr\s+(?:package|packages|box|boxes|haul|product|products|sample|samples|kit|mail|gift|gifts|unboxing)\b",
        r"\bc/o\s+@?\w",
        r"\b(?:(?:sent|provided|supplied|given|offered)\s+(?:to\s+(?:me|us)\s+)(?:for\s+free\s+|free\s+of\s+charge\s+)?"
        r"|gifted\s+)by\s+(?:the\s+(?:brand|team|company|folks|people)\b|" + WHO + ")",
        # "X sent me ...": the giver is read from the words before (see SUBJECT), so the scan starts at the verb.
        # The object must read like the brand's own product ("this lamp", "their new earbuds", "a pair of",
        # "samples", "... to try"): "@airline gave me a $200 voucher" or "sent me an email" is no gift.
        SUBJECT + r"\b(?:sent|gave|gifted|mailed|shipped)\s+(?:me|us)\s+"
        r"(?:(?:this|these|their|its|some|samples?|a\s+pair|one\s+of|a\s+few|the\s+new|a\s+(?:sample|box|package"
        r"|parcel|bundle|kit|set|bottle|tube|jar|pr\s+\w+))\b|[^.!?\n]{0,60}\bto\s+(?:try|test|review)\b)",
        r"\b(?:thanks|thank\s+you|thx|ty|shout\s*out)\s+(?:so\s+much\s+|a\s+lot\s+|again\s+)?(?:to\s+)?"
        + WHO
        + r"\s+for\s+"
        r"(?:(?:sending|gifting|providing|supplying|gifted)\b|(?:the|this|these|my|a|an|some|those)\s+(?:\w+\s+)?"
        r"(?:free|gifted|complimentary)\b)",
        r"\bfree\s+(?:\w+\s+){1,2}?(?:from|courtesy\s+of)\s+" + BRAND,
        r"\b(?:received|got|get|getting)\s+(?:this|these|it|them|one)\s+(?:for\s+free|free\s+of\s+charge|as\s+a\s+gift"
        r"|complimentary|from\s+the\s+brand)\b",
        r"\b(?:press|review)\s+(?:sample|samples|copy|unit|units)\b",
    ),
    "fr": (
        r"#(?:cadeau|offert|gifted|colispresse)\b",
        r"\bm'(?:a|ont|avoir|avait|avaient|a\s+ete|ont\s+ete|avoir\s+ete)\s+(?:gentiment\s+|genereusement\s+|gracieusement\s+)?"
        r"(?:offert|envoye|donne|prete|fait\s+cadeau)(?:e|s|es)?\b",
        r"\b(?:nous\s+(?:a|ont|avoir))\s+(?:gentiment\s+)?(?:offert|envoye)(?:e|s|es)?\b",
        r"\b(?:offert|offerte|offerts|offertes)\s+par\b",
        r"\b(?:recu|recue|recus|recues)\s+(?:gratuitement|gracieusement|en\s+cadeau|en\s+cadeau\s+de)\b",
        r"\bcadeau\s+de\s+(?:la\s+part\s+de\s+)?" + WHO,
        r"\benvoye(?:e|s|es)?\s+(?:gratuitement\s+)?par\s+(?:la\s+marque|" + WHO + ")",
        r"\bproduits?\s+offerts?\b",
        r"\bcolis\s+(?:presse|pr)\b",
        r"\bgracieusement\s+(?:offert|envoye|prete)\w*",
    ),
    "de": (
        r"#(?:gifted|geschenkt|prsample)\b",
        r"\bzur\s+verfugung\s+gestellt\b",
        r"\b(?:kostenlos|kostenfrei|gratis|unentgeltlich)\s+(?:erhalten|bekommen|zugeschickt|zugesendet|zugesandt|gestellt"
        r"|zur\s+verfugung)\b",
        r"\bgeschenkt\s+bekommen\b",
        r"\b(?:hat|haben)\s+mir\s+(?:\w+\s+){0,4}?(?:geschenkt|geschickt|zugeschickt|zugesendet|zugesandt)\b",
        r"\bpr[\s-](?:sample|samples|paket|pakete|produkt|produkte|package)\b",
        r"\bvon\s+" + WHO + r"\s+(?:geschenkt|zugeschickt|zur\s+verfugung\s+gestellt)\b",
    ),
    "es": (
        r"#(?:regalo|gifted)\b",
        r"\bregalo\s+de\s+(?:la\s+marca|" + WHO + ")",
        r"\bregalad[oa]s?\s+por\b",
        r"\bme\s+(?:lo|la|los|las)?\s*(?:ha|han|habia|habian)\s+(?:regalado|enviado|mandado)\b",
        r"\b(?:recibido|recibi|recibimos)\s+(?:gratis|gratuitamente|de\s+regalo|como\s+regalo)\b",
        r"\benviad[oa]s?\s+por\s+la\s+marca\b",
        r"\bproductos?\s+cedidos?\b",
    ),
    "it": (
        r"#(?:omaggio|gifted|regalo)\b",
        r"\bin\s+omaggio\b",
        r"\b(?:prodott[oi])\s+(?:inviat[oi]|regalat[oi]|offert[oi])\s+da\b",
        r"\bregalat[oaie]\s+da\b",
        r"\bmi\s+(?:ha|hanno)\s+(?:gentilmente\s+)?(?:regalato|inviato|mandato|spedito|omaggiato)\b",
        r"\bricevut[oaie]\s+in\s+(?:regalo|omaggio)\b",
        r"\bgentilmente\s+(?:inviat|offert|regalat)\w*",
    ),
    "nl": (
        r"#(?:gifted|gekregen|cadeau)\b",
        r"\b(?:gratis\s+)?ontvangen\s+van\s+" + WHO,
        r"\bopgestuurd\s+gekregen\b",
        r"\bcadeau\s+gekregen\b",
        r"\b(?:gekregen|gestuurd|opgestuurd)\s+(?:door|van)\s+" + WHO,
        r"\b(?:heeft|hebben)\s+(?:me|mij|ons)\s+(?:\w+\s+){0,3}?(?:gestuurd|opgestuurd|gegeven|cadeau\s+gedaan)\b",
        r"\bpr[\s-]pakket\b",
        r"\bgratis\s+(?:gekregen|ontvangen)\b",
    ),
}

SPONSOR: dict[str, tuple[str, ...]] = {
    "en": (
        r"\bsponsored\s+by\b",
        r"\b(?:this|today'?s|the|my|our|tonight'?s)\s+(?:video|post|episode|stream|podcast|show|content|tweet|segment"
        r"|giveaway|article|blog\s+post|review|livestream)\s+(?:is|was|has\s+been|will\s+be)\s+(?:(?:kindly|proudly"
        r"|generously|partly|partially)\s+)?(?:sponsored|brought\s+to\s+you|paid\s+for)\b",
        r"\b(?:thanks|thank\s+you)\s+(?:so\s+much\s+|again\s+)?(?:to\s+)?"
        + WHO
        + r"\s+for\s+(?:sponsoring|partnering)\b",
        r"\b(?:is|are|was|were)\s+sponsoring\b",
        r"\bpaid\s+(?:partnership|promotion|post|collab|collaboration|endorsement|sponsorship|placement)\b",
        r"\b(?:i|we)\s+(?:was|were|am|are|have\s+been|got|get|'m|'re|m|re)\s+paid\s+(?:by\b|to\s+(?:promote|post"
        r"|review|feature|advertise|talk\s+about|share|mention))",
        r"\bbrought\s+to\s+you\s+by\b",
        r"#(?:sponsored|sponsor|paidpartnership|paidpromotion|sponsoredpost)\b",
        r"\bsponsor(?:ed)?\s+(?:post|content|segment|message|spot)\b",
        r"\btoday'?s\s+sponsor\b",
        r"(?<![^\n])[ \t]*(?:video\s+|episode\s+|stream\s+)?sponsors?\s*:",
        r"\bmy\s+amazon\s+(?:store|storefront|shop|influencer\s+(?:store|page)|list|lists)\b",
    ),
    "fr": (
        r"\bsponsorise(?:e|s|es)?\s+par\b",
        r"\bpartenariat\s+(?:remunere|commercial|paye)\b",
        r"\bcollaboration\s+(?:commerciale|remuneree|payee)\b",
        r"\b(?:ce|cette)\s+(?:video|post|publication|episode|live|contenu|stream)\s+(?:est|a\s+ete)\s+"
        r"(?:sponsorise|finance|rendue?\s+possible)\w*",
        r"\bmerci\s+a\s+" + WHO + r"\s+(?:pour\s+(?:ce|cette|le|la|son)\s+(?:partenariat|collaboration|sponsoring)"
        r"|de\s+sponsoriser|d'avoir\s+sponsorise)",
        r"\b(?:je\s+suis|j'ai\s+ete|nous\s+sommes|on\s+a\s+ete)\s+(?:remuner|pay)e(?:e|s|es)?\s+par\b",
        r"#(?:sponsorise|sponso|partenariatremunere)\b",
    ),
    "de": (
        r"\bgesponsert\s+(?:von|durch)\b",
        r"\b(?:bezahlte|entgeltliche)\s+(?:partnerschaft|kooperation|werbepartnerschaft|zusammenarbeit)\b",
        r"\bwerbepartnerschaft\b",
        r"\b(?:dieses|das|dieser|der)\s+(?:video|posting|post|beitrag|episode|stream)\s+(?:wird|wurde|ist)\s+(?:\w+\s+){0,3}"
        r"(?:gesponsert|bezahlt)\b",
        r"\b(?:danke|vielen\s+dank)\s+an\s+"
        + WHO
        + r"\s+fur\s+(?:das\s+|die\s+)?(?:sponsoring|unterstutzung\s+dieses)\b",
        r"#(?:gesponsert|werbepartnerschaft)\b",
    ),
    "es": (
        r"\bpatrocinad[oa]s?\s+por\b",
        r"\bcolaboracion\s+(?:pagada|remunerada|comercial)\b",
        r"\b(?:este|esta)\s+(?:video|post|publicacion|episodio|directo)\s+(?:esta|es|ha\s+sido)\s+patrocinad[oa]\b",
        r"\b(?:me|nos)\s+(?:han|ha)\s+pagado\b",
        r"#(?:patrocinado|publi)\b",
    ),
    "it": (
        r"\bsponsorizzat[oaie]\s+da\b",
        r"\bpromoss[oaie]\s+da\b",
        r"\b(?:collaborazione|partnership)\s+(?:retribuita|a\s+pagamento|commerciale)\b",
        r"\b(?:questo|questa)\s+(?:video|post|episodio|diretta)\s+(?:e|e\s+stato|e\s+stata)\s+sponsorizzat[oa]\b",
        r"#(?:sponsorizzato|adv)\b",
    ),
    "nl": (
        r"\bgesponsord\s+door\b",
        r"\bbetaalde\s+(?:samenwerking|partnership|promotie)\b",
        r"\b(?:deze|dit)\s+(?:video|post|aflevering|stream)\s+(?:is|wordt|werd)\s+(?:mede\s+)?(?:gesponsord"
        r"|mogelijk\s+gemaakt)\b",
        r"\bbetaald\s+partnerschap\b",
        r"#(?:gesponsord|samenwerking)\b",
    ),
}

# Statements that the post earns a commission: both a commercial signal and, where the
# jurisdiction accepts it (`statements.commission`), a disclosure.
COMMISSION: dict[str, tuple[str, ...]] = {
    "en": (
        r"\baffiliate[\s-]*links?\b",
        r"(?<=[(\[])\s*affiliate\s*(?=[)\]])",
        r"\baffiliate\s*:",
        r"#(?:affiliate|affiliatelink|affiliatelinks|aff|commissionsearned|paidlink)\b",
        r"\b(?:amazon|ebay|etsy|walmart)\s+(?:associate|affiliate|influencer)s?(?:\s+links?)?\b",
        r"\bassociates?\s+program\b",
        r"\bqualifying\s+purchases\b",
        r"\b(?:earn|earns|earned|earning|receive|receives|received|get|gets|make|makes|collect|collects)\s+(?:a\s+|an\s+)?"
        r"(?:very\s+)?(?:small\s+|tiny\s+|little\s+|modest\s+)?(?:affiliate\s+)?(?:commissions?|kickbacks?|referral\s+fees?"
        r"|affiliate\s+fees?|advertising\s+fees?)\b",
        r"\bcommissions?\s+(?:earned|at\s+no|on\s+(?:qualifying|any|purchases|sales))\b",
        r"\bpaid\s+links?\b",
        r"\bat\s+no\s+(?:extra|additional)\s+(?:cost|charge)\s+to\s+you\b",
        r"\b(?:i|we)\s+(?:may|might|will|could|would|do)?\s*(?:be\s+compensated|receive\s+compensation"
        r"|get\s+compensated|earn\s+a\s+(?:small\s+)?(?:fee|percentage|share))\b",
        r"\baffiliate\s+(?:disclaimer|disclosure|notice)\b",
        r"\breferral\s+links?\b",
    ),
    "fr": (
        r"\bliens?\s+(?:affilies?|d'affiliation|sponsorises?|commerciaux|commercial|partenaires?|remuneres?)\b",
        r"\b(?:je|nous|on)\s+(?:touche|touchons|percois|percevons|recois|recevons|gagne|gagnons|obtiens|obtenons)\s+"
        r"(?:alors\s+)?(?:une|des)\s+(?:petites?\s+)?commissions?\b",
        r"\bpartenaire\s+amazon\b",
        r"\bachats?\s+remplissant\s+les\s+conditions\s+requises\b",
        r"\bsans\s+(?:frais|cout|surcout)\s+(?:supplementaire\s+)?pour\s+(?:vous|toi)\b",
        r"#(?:affiliation|lienaffilie|liensaffilies)\b",
    ),
    "de": (
        r"\bprovisions?[\s-]*links?\b",
        r"\bpartner[\s-]*links?\b",
        r"\bwerbe[\s-]*links?\b",
        r"\b(?:erhalte|bekomme|verdiene|kassiere|erhalten|bekommen|verdienen)\s+(?:ich|wir)\s+(?:dafur\s+)?(?:eine\s+)?"
        r"(?:kleine\s+)?provision\b",
        r"\b(?:ich|wir)\s+(?:erhalte|bekomme|verdiene|erhalten|bekommen|verdienen)\s+(?:\w+\s+){0,3}?(?:eine\s+)?(?:kleine\s+)?"
        r"provision\b",
        r"\bamazon[\s-]*partner\b",
        r"\bqualifizierten\s+(?:verkaufen|kaufen)\b",
        r"\bohne\s+mehrkosten\s+fur\s+(?:dich|euch|sie)\b",
    ),
    "es": (
        r"\benlaces?\s+(?:de\s+)?afiliad[oa]s?\b",
        r"\b(?:gano|recibo|obtengo|ganamos|recibimos|obtenemos|me\s+llevo)\s+(?:una\s+)?(?:pequena\s+)?comision\b",
        r"\bafiliad[oa]\s+de\s+amazon\b",
        r"\bcompras\s+adscritas\b",
        r"\bsin\s+coste?\s+(?:adicional|extra)\s+para\s+(?:ti|usted|vosotros)\b",
    ),
    "it": (
        r"\blink\s+(?:di\s+)?affiliazione\b",
        r"\blink\s+affiliat[oi]\b",
        r"\b(?:ricevo|guadagno|percepisco|riceviamo|guadagniamo)\s+(?:una\s+)?(?:piccola\s+)?commissione\b",
        r"\baffiliato\s+amazon\b",
        r"\bacquisti\s+idonei\b",
        r"\bsenza\s+(?:alcun\s+)?costi?\s+aggiuntiv[oi]\s+per\s+te\b",
    ),
    "nl": (
        r"\baffiliate[\s-]*links?\b",
        r"\b(?:ontvang|krijg|verdien|ontvangen|krijgen|verdienen)\s+(?:ik|wij|we)?\s*(?:een\s+)?(?:kleine\s+)?commissie\b",
        r"\bpartnerlinks?\b",
        r"\bzonder\s+extra\s+kosten\s+voor\s+(?:jou|u|jullie)\b",
    ),
}

# A product at the start of a line (after a bullet and up to two words), then a colon.
GEAR_LINE = r"(?<![^\n])[ \t]*[-*•►▶→>]*[ \t]*(?:[\w'-]+[ \t]+){{0,2}}(?:{nouns})\b[^:\n]{{0,30}}:"

# Shopping words: next to a shortened or link-in-bio link they make a soft signal.
SHOPPING: dict[str, tuple[str, ...]] = {
    "en": (
        r"\b(?:buy|shop|order|purchase|grab|snag|get)\s+(?:it|them|one|yours|now|here|today|these|this|the\s+look"
        r"|on\s+amazon|from|at|online)\b",
        r"\b(?:get|grab|find|buy|shop)\s+(?:it|them|one|yours)?\s*(?:here|below|now)\b",
        r"\bshop\s+(?:my|the|our|now|it|this|these)\b",
        r"\b(?:available|in\s+stock|on\s+sale)\s+(?:at|on|here|now|from)\b",
        r"\b\d+\s*%\s*off\b",
        r"\b(?:deal|deals|discount|discounts|coupon|sale|bargain|cheapest|lowest\s+price|best\s+price|price\s+drop)\b",
        r"\b(?:use|click|tap)\s+(?:the|my|this|that)\s+link\b",
        r"\blinks?\s+(?:below|in\s+(?:my\s+)?bio)\b",
        r"\b(?:gear|products|equipment|items|stuff|tools|kit|setup|camera|lenses)\s+(?:i\s+use|i\s+used|used|i\s+recommend"
        r"|mentioned|featured|in\s+this\s+video)\b",
        r"\bmy\s+(?:gear|setup|kit|equipment|favorite\s+products|favourite\s+products|storefront|shop)\b",
        r"\bwhat\s+i\s+(?:use|used|wear|wore|bought)\b",
        r"\b(?:camera|audio|recording|editing|lighting|studio|video|photo|filming)\s+(?:gear|equipment|setup|kit)\b",
        r"\b(?:gear|equipment|kit|products)\s*(?:used|list|i\s+use)?\s*:",
        r"\bsupport\s+(?:the|my|this)\s+channel\b",
        r"\b(?:amazon|ebay|aliexpress|etsy|walmart|best\s+buy|bestbuy|newegg|b&h|bhphoto|banggood|temu|shein|asos"
        r"|sephora|ulta|zalando)\b",
        r"\bfree\s+(?:trial|month|months|week|weeks)\b",
        r"\b\d+\s*(?:days?|weeks?|months?)\s+(?:free|for\s+free)\b",
        r"\bsign\s+up\s+(?:here|now|today|for)\b",
        # A gear list: a product at the start of a line, then a colon ("► Main camera: bit.ly/...").
        GEAR_LINE.format(
            nouns="camera|cameras|lens|lenses|mic|mics|microphone|tripod|gimbal|lights?|lighting|headphones|earbuds"
            "|keyboard|mouse|monitor|laptop|desk|chair|drone|sd\\s+card|memory\\s+card|bag|backpack|shirt|t-shirt"
            "|hoodie|shoes|sneakers|dress|jacket|watch|glasses|sunglasses|guitar|amp|pedal|strings|books?|filters?"
            "|charger|cable|battery|batteries|webcam|speakers?|ring\\s+light|body|interface|preamp|controller"
        ),
        r"\b(?:everything|links?|products?|items?)\s+(?:i\s+)?(?:mentioned|featured|used|showed|shown|reviewed)\b",
        r"[$£€]\s*\d",
    ),
    "fr": (
        r"\b(?:achete[rz]?|achat|commande[rz]?|boutique|soldes|promos?|promotions?|bon\s+plan|bons\s+plans|reduction"
        r"|remise|prix)\b",
        r"\b(?:disponible|dispo)s?\s+(?:ici|sur|chez|en\s+ligne)\b",
        r"\ben\s+vente\b",
        r"-\s*\d+\s*%",
        r"\d+\s*(?:€|euros?)\b",
        r"\bliens?\s+(?:ci-dessous|en\s+bio|dans\s+(?:la|ma)\s+bio|en\s+description)\b",
        r"\bmon\s+(?:materiel|equipement|setup)\b",
        r"\bque\s+j'(?:utilise|ai\s+utilise|porte|recommande)\b",
        r"\b(?:amazon|fnac|cdiscount|darty|boulanger|sephora|zalando|vinted)\b",
        r"\bessai\s+gratuit\b",
        GEAR_LINE.format(
            nouns="appareil\\s+photo|objectif|micro|trepied|casque|ecouteurs|clavier|souris|ecran|sac|robe|chaussures"
            "|montre|lunettes|livres?|eclairage|lumiere|camera|boitier|filtres?|chargeur|cable|batterie"
        ),
    ),
    "de": (
        r"\b(?:kaufen|kauft|bestellen|bestellt|angebot|angebote|rabatt|preis|schnappt)\b",
        r"\bjetzt\s+(?:kaufen|bestellen|sichern|shoppen)\b",
        r"\b(?:hier|online)\s+(?:erhaltlich|kaufen|bestellen)\b",
        r"\bmein\s+(?:equipment|setup)\b",
        r"\bdie\s+ich\s+(?:benutze|verwende|nutze|empfehle)\b",
        r"\b(?:amazon|otto|zalando|mediamarkt|saturn|thomann)\b",
        r"\b(?:kostenlos|gratis)\s+testen\b",
        GEAR_LINE.format(
            nouns="kamera|objektiv|mikrofon|stativ|kopfhorer|tastatur|maus|monitor|licht|beleuchtung|rucksack|schuhe"
            "|kleid|jacke|uhr|brille|buch|bucher|filter|ladegerat|kabel|akku"
        ),
    ),
    "es": (
        r"\b(?:compr\w*|pidelo|tienda|ofertas?|descuentos?|rebajas|precio|consiguelo)\b",
        r"\bdisponible\s+(?:aqui|en)\b",
        r"\bmi\s+equipo\b",
        r"\bque\s+(?:uso|utilizo|recomiendo)\b",
        r"\b(?:amazon|el\s+corte\s+ingles|pccomponentes|zalando)\b",
        GEAR_LINE.format(nouns="camara|objetivo|microfono|tripode|auriculares|teclado|raton|luces|mochila|zapatillas"),
    ),
    "it": (
        r"\b(?:(?:compr|acquist)\w*|ordina|ordinalo|negozio|offerta|offerte|sconto|saldi|prezzo)\b",
        r"\bdisponibile\s+(?:qui|su)\b",
        r"\bla\s+mia\s+attrezzatura\b",
        r"\bche\s+(?:uso|utilizzo|consiglio)\b",
        r"\b(?:amazon|zalando|mediaworld|unieuro)\b",
        GEAR_LINE.format(nouns="fotocamera|obiettivo|microfono|treppiede|cuffie|tastiera|luci|zaino|scarpe"),
    ),
    "nl": (
        r"\b(?:kopen|koop|bestel|bestellen|winkel|aanbieding|korting|uitverkoop|prijs)\b",
        r"\bverkrijgbaar\s+(?:bij|via)\b",
        r"\bdie\s+ik\s+(?:gebruik|aanraad)\b",
        r"\b(?:amazon|bol\.com|coolblue|zalando)\b",
        GEAR_LINE.format(
            nouns="camera|lens|microfoon|statief|koptelefoon|toetsenbord|muis|verlichting|rugzak|schoenen"
        ),
    ),
}

# Words that, within the three words before a cue (same clause), deny it ("NOT sponsored",
# "pas sponsorisé", "nicht gesponsert", "no affiliate links"), or that sit inside it ("is not sponsored").
NEGATION_WORDS = frozenset(
    {"not", "no", "never", "without", "isn't", "isnt", "wasn't", "wasnt", "aren't", "arent", "weren't", "werent"}
    | {"didn't", "didnt", "don't", "dont", "doesn't", "doesnt", "nor", "zero", "neither", "non"}
    | {"pas", "jamais", "sans", "aucun", "aucune", "ni", "nullement"}
    | {"kein", "keine", "keinen", "keiner", "keinem", "nicht", "ohne", "nie", "niemals"}
    | {"sin", "nunca", "ningun", "ninguna", "ningunos"}
    | {"senza", "mai", "nessun", "nessuna", "nessuno"}
    | {"geen", "niet", "zonder", "nooit"}
)
_NEGATED_PREFIX = re.compile(r"(?:un|non|not)[\s-]?(?=sponsor|paid|gift)")

_POSSESSIVE = frozenset(
    {"my", "his", "her", "our", "their", "your", "thy", "mr", "mrs", "ms", "dr", "ma", "mon", "mes", "sa", "son"}
    | {"ses", "mein", "meine", "meinem", "meiner", "mi", "mis", "su", "sus", "mio", "mia", "miei", "mie", "mijn"}
    | {"zijn", "haar"}
)
# People, not brands: "my mom sent me", "ma sœur m'a offert".
KIN = frozenset(
    [
        "mom",
        "mum",
        "mother",
        "dad",
        "father",
        "sister",
        "brother",
        "wife",
        "husband",
        "friend",
        "friends",
        "bf",
        "gf",
        "boyfriend",
        "girlfriend",
        "grandma",
        "grandpa",
        "granny",
        "nan",
        "aunt",
        "uncle",
        "cousin",
        "son",
        "daughter",
        "kids",
        "family",
        "boss",
        "colleague",
        "coworker",
        "neighbour",
        "neighbor",
        "teacher",
        "santa",
        "someone",
        "somebody",
        "nobody",
        "he",
        "she",
        "they",
        "it",
        "i",
        "we",
        "you",
        "everyone",
        "parents",
        "mere",
        "pere",
        "maman",
        "papa",
        "soeur",
        "frere",
        "mari",
        "femme",
        "ami",
        "amie",
        "amis",
        "copain",
        "copine",
        "famille",
        "cousine",
        "tante",
        "oncle",
        "fils",
        "fille",
        "collegue",
        "voisin",
        "voisine",
        "noel",
        "mutter",
        "vater",
        "mama",
        "schwester",
        "bruder",
        "freund",
        "freundin",
        "frau",
        "mann",
        "oma",
        "opa",
        "familie",
        "eltern",
        "madre",
        "padre",
        "hermana",
        "hermano",
        "amigo",
        "amiga",
        "novio",
        "novia",
        "abuela",
        "abuelo",
        "familia",
        "tia",
        "tio",
        "mamma",
        "sorella",
        "fratello",
        "amico",
        "amica",
        "nonna",
        "nonno",
        "moglie",
        "marito",
        "moeder",
        "vader",
        "zus",
        "broer",
        "vriend",
        "vriendin",
        "ouders",
    ]
)


def compile_family(table: dict[str, tuple[str, ...]]) -> list[tuple[str, re.Pattern[str]]]:
    """Each pattern compiled, with its language (patterns name their groups, so they are not joined).

    A leading `\\b` is taken off, because it stops the regex engine from jumping to the pattern's
    first word; `starts_word` puts that check back on each match.
    """
    return [(lang, re.compile(_unanchored(pattern))) for lang, patterns in table.items() for pattern in patterns]


def _unanchored(pattern: str) -> str:
    for prefix in (r"(?P<subject>)\b", r"\b"):
        if pattern.startswith(prefix):
            return pattern.replace(r"\b", "", 1)
    return pattern


def starts_word(folded: str, start: int) -> bool:
    """Whether a match starts a word (the `\\b` compile_family took off)."""
    return start == 0 or not (folded[start - 1].isalnum() or folded[start - 1] == "_")


def negated(folded: str, start: int, end: int) -> bool:
    """Whether a cue at `[start, end)` of folded text is denied by the words just before it, or inside it."""
    clause_start = max(folded.rfind(c, 0, start) for c in ".!?;:,\n(") + 1
    before = re.findall(r"[\w']+", folded[max(clause_start, start - 60) : start])
    if any(word in NEGATION_WORDS for word in before[-3:]):
        return True
    if _NEGATED_PREFIX.search(folded, max(0, start - 4), end):
        return True
    inside = re.findall(r"[\w']+", folded[start:end])
    return any(word in {"not", "never", "pas", "nicht", "niet", "isn't", "wasn't", "n't"} for word in inside)


def is_person(who: str) -> bool:
    """Whether a name before "sent me" / after "cadeau de" is a relative, a pronoun or someone's, not a brand."""
    words = [word.strip("'") for word in re.findall(r"[\w']+", who.lower())]
    return not words or words[0][:1].isdigit() or any(word in KIN or word in _POSSESSIVE for word in words)


def kin_before(folded: str, start: int) -> bool:
    """Whether a relative or a possessive stands among the three words before a cue ("ma sœur m'a offert")."""
    clause_start = max(folded.rfind(c, 0, start) for c in ".!?;,\n") + 1
    before = re.findall(r"[\w']+", folded[max(clause_start, start - 40) : start])
    return any(word in KIN for word in before[-3:])
