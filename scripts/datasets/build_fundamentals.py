#!/usr/bin/env python3
"""Write Datasets/company-fundamentals.csv from the compiled table below (stdlib only).

Each company has a ticker (for the SEC EDGAR filing index used as `source`) or an
explicit source URL, a base revenue for the fiscal year before the first listed one
(used only to derive the first year's growth; None when unknown), and rows
(fiscal_year, employees, revenue) with revenue in millions of USD as reported in the
annual report (10-K / 40-F / 20-F). `None` = not compiled (left empty in the CSV).

fiscal_year = the calendar year in which the fiscal year ENDS (Salesforce FY2024 ends
Jan 2024; Cisco FY2024 ends July 2024; Microsoft FY2023 ends June 2023).

revenue_growth is derived here: (revenue / previous revenue - 1) * 100, one decimal.

Usage: python3 scripts/datasets/build_fundamentals.py   (rewrites the CSV)
"""

import os

EDGAR = "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK={t}&type={f}"
EDGAR_NAME = "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&company={n}&type={f}"

# company: (source, base_revenue, [(fy, employees, revenue), ...])
T = {}


def add(company, source, base, rows):
    T[company] = (source, base, rows)


def sec(ticker, form="10-K"):
    return EDGAR.format(t=ticker, f=form)


# ---- calendar-year reporters (fiscal year ends December) ----
add("Amazon", sec("AMZN"), 386064, [(2021, 1608000, 469822), (2022, 1541000, 513983),
                                   (2023, 1525000, 574785), (2024, 1556000, 637959)])
add("Google", sec("GOOGL"), 182527, [(2021, 156500, 257637), (2022, 190234, 282836),
                                    (2023, 182502, 307394), (2024, 183323, 350018)])
add("Meta", sec("META"), 85965, [(2021, 71970, 117929), (2022, 86482, 116609),
                                 (2023, 67317, 134902), (2024, 74067, 164501)])
add("Intel", sec("INTC"), 77867, [(2021, 121100, 79024), (2022, 131900, 63054),
                                  (2023, 124800, 54228), (2024, 108900, 53101)])
# IBM: revenue from continuing operations (Kyndryl spun off Nov 2021); 2021 headcount not compiled.
add("IBM", sec("IBM"), 55179, [(2021, None, 57350), (2022, 288300, 60530),
                               (2023, 282200, 61860), (2024, 270300, 62753)])
add("PayPal", sec("PYPL"), 21454, [(2021, 30900, 25371), (2022, 29900, 27518),
                                   (2023, 27200, 29771), (2024, 24400, 31797)])
# eBay: continuing operations (Classifieds sold 2021).
add("eBay", sec("EBAY"), 8894, [(2021, 10800, 10420), (2022, 11600, 9795),
                                (2023, 12300, 10112), (2024, 11500, 10283)])
add("Snap", sec("SNAP"), 2507, [(2021, 5661, 4117), (2022, 5288, 4602),
                                (2023, 5289, 4606), (2024, 4911, 5361)])
add("Twilio", sec("TWLO"), 1762, [(2021, 7867, 2842), (2022, 8156, 3826),
                                  (2023, 5867, 4154), (2024, 5535, 4458)])
add("Dropbox", sec("DBX"), 1914, [(2021, 2667, 2158), (2022, 3118, 2325),
                                  (2023, 2693, 2502), (2024, 2204, 2548)])
add("Unity", sec("U"), 772, [(2021, 5245, 1111), (2022, 7703, 1391),
                             (2023, 6748, 2187), (2024, 4987, 1813)])
add("Block", "https://investors.block.xyz/financials/annual-reports/default.aspx", 9498,
    [(2021, 8521, 17661), (2022, 12428, 17532), (2023, 12985, 21916), (2024, None, 24121)])
add("Coinbase", sec("COIN"), 1277, [(2021, 3730, 7839), (2022, 4510, 3194),
                                    (2023, 3416, 3108), (2024, 3772, 6564)])
# Shopify filed 40-F annual reports through FY2023 and a 10-K for FY2024; USD reporter.
add("Shopify", sec("SHOP", "40-F"), 2929, [(2021, 10000, 4612), (2022, 11600, 5600),
                                           (2023, 8300, 7060), (2024, 8100, 8880)])
add("Lyft", sec("LYFT"), 2365, [(2021, 4453, 3209), (2022, 4419, 4095),
                                (2023, 2945, 4404), (2024, 2934, 5786)])
add("Netflix", sec("NFLX"), 24996, [(2021, 11300, 29698), (2022, 12800, 31616),
                                    (2023, 13000, 33723), (2024, 14000, 39001)])
# Twitter: taken private Oct 2022; the FY2021 10-K is its last annual report.
add("Twitter", EDGAR_NAME.format(n="twitter", f="10-K"), 3716, [(2021, 7500, 5077)])
add("Robinhood", sec("HOOD"), 959, [(2021, 3800, 1815), (2022, 2300, 1358),
                                    (2023, 2200, 1865), (2024, 2300, 2951)])
add("Carvana", sec("CVNA"), 5587, [(2021, None, 12814), (2022, None, 13604),
                                   (2023, None, 10771), (2024, None, 13673)])
add("Opendoor", sec("OPEN"), 2583, [(2021, None, 8021), (2022, 2570, 15567),
                                    (2023, 1982, 6946), (2024, None, 5153)])
add("Wayfair", sec("W"), 14145, [(2021, 16985, 13708), (2022, 15745, 12218),
                                 (2023, 14400, 12003), (2024, 13900, 11851)])
add("Tesla", sec("TSLA"), 31536, [(2021, 99290, 53823), (2022, 127855, 81462),
                                  (2023, 140473, 96773), (2024, 125665, 97690)])
add("Instacart", sec("CART"), None, [(2021, None, 1834), (2022, None, 2551),
                                     (2023, None, 3042), (2024, None, 3378)])
add("DoorDash", sec("DASH"), 2886, [(2021, 8600, 4888), (2022, 16800, 6583),
                                    (2023, 19300, 8635), (2024, 23700, 10722)])
add("Roku", sec("ROKU"), 1778, [(2021, None, 2765), (2022, None, 3127),
                                (2023, None, 3485), (2024, None, 4113)])
add("Rivian", sec("RIVN"), None, [(2021, None, 55), (2022, 14122, 1658),
                                  (2023, 16790, 4434), (2024, 14861, 4970)])
add("Lucid", sec("LCID"), None, [(2021, None, 27), (2022, 7200, 608),
                                 (2023, 6500, 595), (2024, 6800, 808)])
add("Chegg", sec("CHGG"), 644, [(2021, None, 776), (2022, None, 767),
                                (2023, None, 716), (2024, None, 617)])
add("Xerox", sec("XRX"), 7022, [(2021, 23300, 7038), (2022, 20500, 7107),
                                (2023, 20100, 6886), (2024, None, 6221)])
add("Bumble", sec("BMBL"), None, [(2021, None, 765), (2022, None, 904),
                                  (2023, None, 1052), (2024, None, 1072)])
add("HubSpot", sec("HUBS"), 883, [(2021, 5895, 1301), (2022, 7433, 1731),
                                  (2023, 7663, 2170), (2024, 8246, 2628)])
# Grab: 20-F filer, reports in USD.
add("Grab", sec("GRAB", "20-F"), 469, [(2021, None, 675), (2022, None, 1433),
                                       (2023, None, 2359), (2024, None, 2797)])
add("Etsy", sec("ETSY"), 1726, [(2021, 2402, 2329), (2022, 2790, 2566),
                                (2023, 2420, 2748), (2024, None, 2808)])
add("Toast", sec("TOST"), 823, [(2021, None, 1705), (2022, None, 2731),
                                (2023, None, 3865), (2024, None, 4960)])
add("Freshworks", sec("FRSH"), 250, [(2021, None, 371), (2022, None, 498),
                                     (2023, None, 596), (2024, None, 720)])
add("AMD", sec("AMD"), 9763, [(2021, 15500, 16434), (2022, 25000, 23601),
                              (2023, 26000, 22680), (2024, 28000, 25785)])
add("Expedia", sec("EXPE"), 5199, [(2021, 14800, 8598), (2022, 16500, 11667),
                                   (2023, 17100, 12839), (2024, 16500, 13691)])
add("Groupon", sec("GRPN"), 1417, [(2021, None, 967), (2022, None, 599),
                                   (2023, None, 515), (2024, None, 493)])

# ---- fiscal year ends in January (or the Friday nearest 31 January) ----
add("Salesforce", sec("CRM"), 17098, [(2021, 56606, 21252), (2022, 73541, 26492),
                                      (2023, 79390, 31352), (2024, 72682, 34857),
                                      (2025, 76453, 37895)])
add("Zoom", sec("ZM"), 623, [(2021, 4422, 2651), (2022, 6787, 4100), (2023, 8422, 4393),
                             (2024, 7420, 4527), (2025, 7412, 4665)])
add("Okta", sec("OKTA"), 586, [(2021, 2806, 835), (2022, 5030, 1300), (2023, 6013, 1858),
                               (2024, 5908, 2263), (2025, 5914, 2610)])
add("DocuSign", sec("DOCU"), 974, [(2021, 5630, 1453), (2022, 7461, 2107),
                                   (2023, 7336, 2516), (2024, 6840, 2762),
                                   (2025, 6838, 2977)])
add("GitLab", sec("GTLB"), 152, [(2022, None, 253), (2023, None, 424),
                                 (2024, None, 580), (2025, None, 759)])
add("Workday", sec("WDAY"), 3627, [(2021, 12500, 4318), (2022, 15200, 5139),
                                   (2023, 17700, 6216), (2024, 18800, 7259),
                                   (2025, 20400, 8446)])
add("Autodesk", sec("ADSK"), 3274, [(2021, 11500, 3790), (2022, 12600, 4386),
                                    (2023, 13700, 5005), (2024, 14100, 5497),
                                    (2025, 15300, 6131)])
add("CrowdStrike", sec("CRWD"), 481, [(2021, 3394, 874), (2022, 4965, 1451),
                                      (2023, 7273, 2241), (2024, 8433, 3056),
                                      (2025, 10118, 3954)])
add("Splunk", EDGAR_NAME.format(n="splunk", f="10-K"), 2359,
    [(2021, None, 2229), (2022, 7500, 2674), (2023, 8000, 3654), (2024, None, 4216)])
# Dell: continuing operations excluding VMware (spun off Nov 2021); FY2021 restated.
add("Dell", sec("DELL"), None, [(2021, None, 86670), (2022, 133000, 101197),
                                (2023, 133000, 102301), (2024, 120000, 88425),
                                (2025, 108000, 95567)])

# ---- other fiscal-year ends ----
# Microsoft: June.
add("Microsoft", sec("MSFT"), 143015, [(2021, 181000, 168088), (2022, 221000, 198270),
                                       (2023, 221000, 211915), (2024, 228000, 245122)])
# Apple: last Saturday of September.
add("Apple", sec("AAPL"), 274515, [(2021, 154000, 365817), (2022, 164000, 394328),
                                   (2023, 161000, 383285), (2024, 164000, 391035)])
# Cisco: last Saturday of July.
add("Cisco", sec("CSCO"), 49301, [(2021, 79500, 49818), (2022, 83300, 51557),
                                  (2023, 84900, 56998), (2024, 90400, 53803)])
# Peloton: June.
add("Peloton", sec("PTON"), 1826, [(2021, 6743, 4022), (2022, 6195, 3582),
                                   (2023, None, 2800), (2024, None, 2701)])
# Affirm: June.
add("Affirm", sec("AFRM"), 510, [(2021, None, 870), (2022, 2552, 1349),
                                 (2023, 2006, 1588), (2024, 2206, 2323)])
# Atlassian: June; 20-F through FY2022, 10-K from FY2023; USD reporter.
add("Atlassian", sec("TEAM"), 1614, [(2021, 6433, 2089), (2022, 8813, 2803),
                                     (2023, 10726, 3535), (2024, 12157, 4359)])
# HP: October.
add("HP", sec("HPQ"), 56639, [(2021, 51000, 63487), (2022, 58000, 62983),
                              (2023, None, 53718), (2024, None, 53559)])
# Qualcomm: last Sunday of September.
add("Qualcomm", sec("QCOM"), 23531, [(2021, 45000, 33566), (2022, 51000, 44200),
                                     (2023, 50000, 35820), (2024, 49000, 38962)])
# Micron: Thursday closest to 31 August.
add("Micron", sec("MU"), 21435, [(2021, 43000, 27705), (2022, 48000, 30758),
                                 (2023, 43000, 15540), (2024, 48000, 25111)])
# Nike: May.
add("Nike", sec("NKE"), 37403, [(2021, 73300, 44538), (2022, 79100, 46710),
                                (2023, 83700, 51217), (2024, 79400, 51362)])
# Intuit: July.
add("Intuit", sec("INTU"), 7679, [(2021, 13500, 9633), (2022, 17300, 12726),
                                  (2023, 18200, 14368), (2024, 18800, 16285)])
# Lam Research: last Sunday of June.
add("Lam Research", sec("LRCX"), 10045, [(2021, 14100, 14626), (2022, 17700, 17227),
                                         (2023, 17200, 17429), (2024, 17450, 14905)])
# Seagate: Friday nearest 30 June.
add("Seagate", sec("STX"), 10509, [(2021, None, 10681), (2022, None, 11661),
                                   (2023, None, 7384), (2024, None, 6551)])
# Disney: Saturday nearest 30 September.
add("Disney", sec("DIS"), 65388, [(2021, 190000, 67418), (2022, 220000, 82722),
                                  (2023, 225000, 88898), (2024, 233000, 91361)])
# Electronic Arts: March.
add("Electronic Arts", sec("EA"), 5537, [(2021, 11000, 5629), (2022, 12900, 6991),
                                         (2023, 13400, 7426), (2024, 14500, 7562)])
# Take-Two: March.
add("Take-Two", sec("TTWO"), 3089, [(2021, None, 3373), (2022, 7799, 3505),
                                    (2023, 11580, 5350), (2024, 12371, 5350)])
# Accenture: August.
add("Accenture", sec("ACN"), 44327, [(2021, 624000, 50533), (2022, 721000, 61594),
                                     (2023, 733000, 64112), (2024, 774000, 64896)])


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(root, "Datasets", "company-fundamentals.csv")
    lines = ["company,fiscal_year,employees,revenue,revenue_growth,source"]
    for company in sorted(T, key=str.lower):
        source, prev, rows = T[company]
        for fy, emp, rev in rows:
            growth = "" if (prev is None or rev is None or prev == 0) else "%.1f" % ((rev / prev - 1) * 100)
            name = '"%s"' % company if "," in company else company
            lines.append("%s,%d,%s,%s,%s,%s" % (name, fy, "" if emp is None else emp,
                                                "" if rev is None else rev, growth, source))
            prev = rev
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
    print("wrote %s (%d rows, %d companies)" % (out, len(lines) - 1, len(T)))


if __name__ == "__main__":
    main()
