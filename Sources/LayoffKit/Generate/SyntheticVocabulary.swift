/// Words of the export-shaped synthetic files (``SyntheticLayoffs``): company names, places,
/// industries, stages and source URLs with the variety of the layoffs.fyi export.
enum SyntheticVocabulary {
    static let industries = ["Finance", "Retail", "Healthcare", "Other", "Consumer", "Transportation", "Food",
                             "Marketing", "Real Estate", "Education", "Crypto", "Media", "Security", "Data", "HR",
                             "Travel", "Infrastructure", "Hardware", "Logistics", "Sales", "Support", "Recruiting",
                             "Product", "Energy", "Fitness", "Manufacturing", "AI", "Construction", "Aerospace", "Legal"]
    static let stages = ["Post-IPO", "Unknown", "Series B", "Series C", "Acquired", "Series D", "Series A", "Series E",
                         "Seed", "Series F", "Private Equity", "Series H", "Subsidiary", "Series G", "Series J", "Series I"]
    static let countries = ["United States", "India", "Canada", "Israel", "United Kingdom", "Germany", "Brazil",
                            "Australia", "Singapore", "Sweden", "Indonesia", "Nigeria", "China", "Netherlands", "France",
                            "Ireland", "Kenya", "Spain", "Estonia", "Japan"]
    /// Places, with the index of their country in ``countries``: US places by name, others
    /// as `City, Non-U.S.` (quoted in the file, as the export writes them).
    static let places: [(name: String, country: Int)] = [
        ("SF Bay Area", 0), ("New York City", 0), ("Seattle", 0), ("Boston", 0), ("Los Angeles", 0), ("Austin", 0),
        ("Chicago", 0), ("Washington D.C.", 0), ("Denver", 0), ("San Diego", 0), ("Salt Lake City", 0), ("Atlanta", 0),
        ("Portland", 0), ("Miami", 0), ("Columbus", 0), ("Phoenix", 0), ("Detroit", 0), ("Philadelphia", 0),
        ("Minneapolis", 0), ("Raleigh", 0), ("Dallas", 0), ("Pittsburgh", 0), ("St. Louis", 0), ("Lehi", 0),
        ("Bengaluru, Non-U.S.", 1), ("Mumbai, Non-U.S.", 1), ("Gurugram, Non-U.S.", 1), ("New Delhi, Non-U.S.", 1),
        ("Chennai, Non-U.S.", 1), ("Toronto, Non-U.S.", 2), ("Vancouver, Non-U.S.", 2), ("Montreal, Non-U.S.", 2),
        ("Ottawa, Non-U.S.", 2), ("Tel Aviv, Non-U.S.", 3), ("Jerusalem, Non-U.S.", 3), ("London, Non-U.S.", 4),
        ("Berlin, Non-U.S.", 5), ("Munich, Non-U.S.", 5), ("Sao Paulo, Non-U.S.", 6), ("Sydney, Non-U.S.", 7),
        ("Melbourne, Non-U.S.", 7), ("Singapore, Non-U.S.", 8), ("Stockholm, Non-U.S.", 9), ("Jakarta, Non-U.S.", 10),
        ("Lagos, Non-U.S.", 11), ("Beijing, Non-U.S.", 12), ("Shanghai, Non-U.S.", 12), ("Amsterdam, Non-U.S.", 13),
        ("Paris, Non-U.S.", 14), ("Dublin, Non-U.S.", 15), ("Nairobi, Non-U.S.", 16), ("Barcelona, Non-U.S.", 17),
        ("Tallinn, Non-U.S.", 18), ("Tokyo, Non-U.S.", 19),
    ]
    static let locations = places.map(\.name)

    /// The country of a company at `location`: the place's, except that a company in the
    /// United States is now and then registered elsewhere (`draw` uniform in 0..<2²⁰).
    static func country(location: Int, draw: Int) -> Int {
        let home = places[location].country
        return home == 0 && draw % 50 == 0 ? 1 + draw / 50 % (countries.count - 1) : home
    }

    /// Syllables of company names: three letters each, so that a name's syllables are
    /// found again from its letters and distinct numbers give distinct names.
    private static let syllables = ["zen", "vor", "qua", "lix", "tab", "mor", "pel", "dri", "kon", "sul", "bra", "nex",
                                    "fio", "gam", "hul", "jet", "kap", "lum", "nov", "ora", "pix", "ras", "sol", "tor",
                                    "umb", "vel", "wix", "yar", "zap", "cor", "dex", "fal", "gri", "hex", "ivo", "jun",
                                    "kel", "lan", "mux", "nim", "bol", "cam", "dun", "fen", "gil", "hop", "jam", "kit",
                                    "lok", "mip", "nob", "pod", "quo", "rim", "sap", "tek", "uno", "vim", "wok", "yen",
                                    "zor", "bix", "cid", "dov"]
    /// Words some names end with (after a space); most names have none, as in the export
    /// (whose names average 8 bytes, 3 % over 16).
    private static let suffixes = [" AI", " Labs", " Pay", " Health", " Bank", ", Inc.", " Group", " Robotics",
                                   " Technologies", " Systems"] + [String](repeating: "", count: 54)

    /// The name of company `c`: two to four syllables for the number (names of 6 to 12
    /// letters; 9 for most), then now and then a suffix chosen by the number.
    static func companyName(_ c: Int) -> String {
        let s = syllables.count
        var n = c, count = 2, block = s * s
        while n >= block { n -= block; count += 1; block *= s }
        var name = ""
        for _ in 0..<count {
            name += syllables[n % s]
            n /= s
        }
        let suffix = suffixes[Int(UInt64(truncatingIfNeeded: c &* 0x9E37_79B9) >> 7 % UInt64(suffixes.count))]
        return name.prefix(1).uppercased() + name.dropFirst() + suffix
    }

    private static let outlets = ["techwire.example.com", "www.dailyledger.example.com", "businessnow.example.org",
                                  "www.startupbeat.example.net", "markets.example.com", "www.citybiz.example.com",
                                  "news.example.org", "www.globaltech.example.com", "inc-daily.example.net",
                                  "www.linkedin.example.com"]

    /// Appends a source URL of its own for event `event` of `company` on year-month-day:
    /// an outlet, the date, a slug of the name and the event number in base 36.
    static func appendSourceURL(_ line: inout String, company: String, event: Int, year: Int, month: Int, day: Int) {
        line += "https://"
        line += outlets[event % outlets.count]
        line += "/\(year)/\(month < 10 ? "0" : "")\(month)/\(day < 10 ? "0" : "")\(day)/"
        for b in company.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): line.unicodeScalars.append(Unicode.Scalar(b + 32))
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): line.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "): line += "-"
            default: break
            }
        }
        line += "-layoffs-"
        line += String(event, radix: 36)
    }

    /// `text` as a CSV field: quoted (inner quotes doubled) when it holds a comma or a quote.
    static func quoted(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }) else { return text }
        var s = "\""
        for ch in text { s += ch == "\"" ? "\"\"" : String(ch) }
        return s + "\""
    }
}
