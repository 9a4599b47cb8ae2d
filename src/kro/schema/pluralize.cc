#include "kro/schema/pluralize.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <vector>

namespace kro::schema {
namespace {

struct Word {
  const char* singular;
  const char* plural;
  const char* alternative;
  bool unidirectional;
  bool uncountable;
  bool exact;
};

// flect v1.0.3 plural_rules.go `dictionary`, in order.
constexpr Word kDictionary[] = {
    {"aircraft", "aircraft", "", false, false, false},
    {"beef", "beef", "beefs", false, false, false},
    {"bison", "bison", "", false, false, false},
    {"blues", "blues", "", true, false, false},
    {"chassis", "chassis", "", false, false, false},
    {"deer", "deer", "", false, false, false},
    {"fish", "fish", "fishes", false, false, false},
    {"moose", "moose", "", false, false, false},
    {"police", "police", "", false, false, false},
    {"salmon", "salmon", "salmons", false, false, false},
    {"series", "series", "", false, false, false},
    {"sheep", "sheep", "", false, false, false},
    {"shrimp", "shrimp", "shrimps", false, false, false},
    {"species", "species", "", false, false, false},
    {"swine", "swine", "swines", false, false, false},
    {"trout", "trout", "trouts", false, false, false},
    {"tuna", "tuna", "tunas", false, false, false},
    {"you", "you", "", false, false, false},
    {"child", "children", "", false, false, false},
    {"ox", "oxen", "", false, false, true},
    {"foot", "feet", "", false, false, false},
    {"goose", "geese", "", false, false, false},
    {"man", "men", "", false, false, false},
    {"human", "humans", "", false, false, false},
    {"louse", "lice", "", false, false, true},
    {"mouse", "mice", "", false, false, false},
    {"tooth", "teeth", "", false, false, false},
    {"woman", "women", "", false, false, false},
    {"die", "dice", "", false, false, true},
    {"person", "people", "", false, false, false},
    {"adieu", "adieux", "adieus", false, false, false},
    {"fabliau", "fabliaux", "", false, false, false},
    {"bureau", "bureaus", "bureaux", false, false, false},
    {"criterion", "criteria", "", false, false, false},
    {"ganglion", "ganglia", "ganglions", false, false, false},
    {"lexicon", "lexica", "lexicons", false, false, false},
    {"mitochondrion", "mitochondria", "mitochondrions", false, false, false},
    {"noumenon", "noumena", "", false, false, false},
    {"phenomenon", "phenomena", "", false, false, false},
    {"taxon", "taxa", "", false, false, false},
    {"media", "media", "", false, false, false},
    {"medium", "media", "mediums", true, false, false},
    {"stadium", "stadiums", "stadia", false, false, false},
    {"aquarium", "aquaria", "aquariums", false, false, false},
    {"auditorium", "auditoria", "auditoriums", false, false, false},
    {"symposium", "symposia", "symposiums", false, false, false},
    {"curriculum", "curriculums", "curricula", false, false, false},
    {"quota", "quotas", "", false, false, false},
    {"alumnus", "alumni", "alumnuses", false, false, false},
    {"bacillus", "bacilli", "", false, false, false},
    {"cactus", "cacti", "cactuses", false, false, false},
    {"coccus", "cocci", "", false, false, false},
    {"focus", "foci", "focuses", false, false, false},
    {"locus", "loci", "locuses", false, false, false},
    {"nucleus", "nuclei", "nucleuses", false, false, false},
    {"octopus", "octupuses", "octopi", false, false, false},
    {"radius", "radii", "radiuses", false, false, false},
    {"syllabus", "syllabi", "", false, false, false},
    {"corpus", "corpora", "corpuses", false, false, false},
    {"genus", "genera", "", false, false, false},
    {"alumna", "alumnae", "", false, false, false},
    {"vertebra", "vertebrae", "", false, false, false},
    {"differentia", "differentiae", "", false, false, false},
    {"minutia", "minutiae", "", false, false, false},
    {"vita", "vitae", "", false, false, false},
    {"larva", "larvae", "", false, false, false},
    {"postcava", "postcavae", "", false, false, false},
    {"praecava", "praecavae", "", false, false, false},
    {"uva", "uvae", "", false, false, false},
    {"apex", "apices", "apexes", false, false, false},
    {"codex", "codices", "codexes", false, false, false},
    {"index", "indices", "indexes", false, false, false},
    {"latex", "latices", "latexes", false, false, false},
    {"vertex", "vertices", "vertexes", false, false, false},
    {"vortex", "vortices", "vortexes", false, false, false},
    {"appendix", "appendices", "appendixes", false, false, false},
    {"radix", "radices", "radixes", false, false, false},
    {"helix", "helices", "helixes", false, false, false},
    {"axis", "axes", "", false, false, true},
    {"crisis", "crises", "", false, false, false},
    {"ellipsis", "ellipses", "", true, false, false},
    {"genesis", "geneses", "", false, false, false},
    {"oasis", "oases", "", false, false, false},
    {"thesis", "theses", "", false, false, false},
    {"testis", "testes", "", false, false, false},
    {"base", "bases", "", false, false, false},
    {"basis", "bases", "", true, false, false},
    {"alias", "aliases", "", false, false, true},
    {"vedalia", "vedalias", "", false, false, false},
    {"use", "uses", "", false, false, true},
    {"abuse", "abuses", "", false, false, false},
    {"cause", "causes", "", false, false, false},
    {"clause", "clauses", "", false, false, false},
    {"cruse", "cruses", "", false, false, false},
    {"excuse", "excuses", "", false, false, false},
    {"fuse", "fuses", "", false, false, false},
    {"house", "houses", "", false, false, false},
    {"misuse", "misuses", "", false, false, false},
    {"muse", "muses", "", false, false, false},
    {"pause", "pauses", "", false, false, false},
    {"ache", "aches", "", false, false, false},
    {"topaz", "topazes", "", false, false, false},
    {"buffalo", "buffaloes", "buffalos", false, false, false},
    {"potato", "potatoes", "", false, false, false},
    {"tomato", "tomatoes", "", false, false, false},
    {"equipment", "", "", false, true, false},
    {"information", "", "", false, true, false},
    {"jeans", "", "", false, true, false},
    {"money", "", "", false, true, false},
    {"news", "", "", false, true, false},
    {"rice", "", "", false, true, false},
    {"dwarf", "dwarfs", "dwarves", false, false, false},
    {"hoof", "hoofs", "hooves", false, false, false},
    {"thief", "thieves", "", false, false, false},
    {"chive", "chives", "", false, false, false},
    {"hive", "hives", "", false, false, false},
    {"move", "moves", "", false, false, false},
    {"movie", "movies", "", false, false, false},
    {"cookie", "cookies", "", false, false, false},
    {"pretorium", "pretoriums", "", false, false, false},
    {"agenda", "agendas", "", false, false, false},
    {"formula", "formulas", "formulae", false, false, false},
    {"shoe", "shoes", "", false, false, false},
    {"toe", "toes", "", false, false, true},
    {"graffiti", "graffiti", "", false, false, false},
    {"ID", "IDs", "", false, false, true},
};

// flect v1.0.3 `singularToPluralSuffixList`, in order.
constexpr std::pair<const char*, const char*> kSuffixes[] = {
    {"tive", "tives"},
    {"eaf", "eaves"},
    {"oaf", "oaves"},
    {"afe", "aves"},
    {"arf", "arves"},
    {"rfe", "rves"},
    {"rf", "rves"},
    {"lf", "lves"},
    {"fe", "ves"},
    {"ay", "ays"},
    {"ey", "eys"},
    {"oy", "oys"},
    {"quy", "quies"},
    {"uy", "uys"},
    {"y", "ies"},
    {"eau", "eaux"},
    {"bula", "bulae"},
    {"dula", "bulae"},
    {"lula", "bulae"},
    {"nula", "bulae"},
    {"vula", "bulae"},
    {"hedron", "hedra"},
    {"ium", "ia"},
    {"seum", "seums"},
    {"eum", "ea"},
    {"oum", "oa"},
    {"stracum", "straca"},
    {"dum", "da"},
    {"elum", "ela"},
    {"ilum", "ila"},
    {"olum", "ola"},
    {"ulum", "ula"},
    {"llum", "lla"},
    {"ylum", "yla"},
    {"imum", "ima"},
    {"ernum", "erna"},
    {"gnum", "gna"},
    {"brum", "bra"},
    {"crum", "cra"},
    {"terum", "tera"},
    {"serum", "sera"},
    {"trum", "tra"},
    {"antum", "anta"},
    {"atum", "ata"},
    {"entum", "enta"},
    {"etum", "eta"},
    {"itum", "ita"},
    {"otum", "ota"},
    {"utum", "uta"},
    {"ctum", "cta"},
    {"ovum", "ova"},
    {"trix", "trices"},
    {"iasis", "iases"},
    {"mesis", "meses"},
    {"kinesis", "kineses"},
    {"resis", "reses"},
    {"gnosis", "gnoses"},
    {"opsis", "opses"},
    {"ysis", "yses"},
    {"ouse", "ouses"},
    {"lause", "lauses"},
    {"us", "uses"},
    {"ch", "ches"},
    {"io", "ios"},
    {"sh", "shes"},
    {"ss", "sses"},
    {"ez", "ezzes"},
    {"iz", "izzes"},
    {"tz", "tzes"},
    {"zz", "zzes"},
    {"ano", "anos"},
    {"lo", "los"},
    {"to", "tos"},
    {"oo", "oos"},
    {"o", "oes"},
    {"x", "xes"},
    {"S", "Ses"},
};

constexpr const char* kAcronyms[] = {
    "OK", "UTF8", "HTML", "JSON", "JWT", "ID", "UUID", "SQL", "ACK", "ACL", "ADSL", "AES",
    "ANSI", "API", "ARP", "ATM", "BGP", "BSS", "CCITT", "CHAP", "CIDR", "CIR", "CLI", "CPE",
    "CPU", "CRC", "CRT", "CSMA", "CMOS", "DCE", "DEC", "DES", "DHCP", "DNS", "DRAM", "DSL",
    "DSLAM", "DTE", "DMI", "EHA", "EIA", "EIGRP", "EOF", "ESS", "FCC", "FCS", "FDDI", "FTP",
    "GBIC", "GEPOF", "HDLC", "HTTP", "HTTPS", "IANA", "ICMP", "IDF", "IDS", "IEEE", "IETF",
    "IMAP", "IP", "IPS", "ISDN", "ISP", "LACP", "LAN", "LAPB", "LAPF", "LLC", "MAC", "MC",
    "MDF", "MIB", "MPLS", "MTU", "NAC", "NAT", "NBMA", "NIC", "NRZ", "NRZI", "NVRAM", "OSI",
    "OSPF", "OUI", "PAP", "PAT", "PC", "PIM", "PCM", "PDU", "POP3", "POTS", "PPP", "PPTP",
    "PTT", "PVST", "RAM", "RARP", "RFC", "RIP", "RLL", "ROM", "RSTP", "RTP", "RCP", "SDLC",
    "SFD", "SFP", "SLARP", "SLIP", "SMTP", "SNA", "SNAP", "SNMP", "SOF", "SRAM", "SSH",
    "SSID", "STP", "SYN", "TDM", "TFTP", "TIA", "TOFU", "UDP", "URL", "URI", "USB", "UTP",
    "VC", "VLAN", "VLSM", "VPN", "W3C", "WAN", "WEP", "WPA", "WWW",
};

// A suffix rule: words ending in `suffix` swap it for `replacement`, or stay as they are when
// `keep` (the rule for a suffix that is already plural).
struct Rule {
  std::string suffix;
  std::string replacement;
  bool keep;
};

struct Tables {
  std::map<std::string, std::string, std::less<>> single_to_plural;
  std::set<std::string, std::less<>> plurals;
  std::vector<Rule> rules;  // first match wins
  std::set<std::string, std::less<>> acronyms;
};

// flect builds its rule list by prepending; this produces the same final order: the
// dictionary's non-exact words last-to-first, then the suffix list first-to-last, each as
// (plural: keep) followed by (singular -> plural).
Tables BuildTables() {
  Tables t;
  for (const Word& w : kDictionary) {
    std::string plural = w.plural[0] == '\0' && w.uncountable ? w.singular : w.plural;
    t.single_to_plural[w.singular] = plural;
    if (!w.unidirectional) {
      t.plurals.insert(plural);
      if (w.alternative[0] != '\0') {
        t.plurals.insert(w.alternative);
      }
    }
  }
  for (auto it = std::rbegin(kDictionary); it != std::rend(kDictionary); ++it) {
    if (it->exact) {
      continue;
    }
    std::string plural = it->plural[0] == '\0' && it->uncountable ? it->singular : it->plural;
    t.rules.push_back({plural, plural, true});
    t.rules.push_back({it->singular, plural, false});
  }
  for (const auto& [singular, plural] : kSuffixes) {
    t.rules.push_back({plural, plural, true});
    t.rules.push_back({singular, plural, false});
  }
  for (const char* a : kAcronyms) {
    t.acronyms.insert(a);
  }
  return t;
}

const Tables& GetTables() {
  static const Tables kTables = BuildTables();  // immutable after first use
  return kTables;
}

bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// flect's Ident.ReplaceSuffix: trims `orig` from the whole word (when it is a suffix of it,
// case-sensitively) and appends `repl`.
std::string ReplaceSuffix(std::string_view word, std::string_view orig, std::string_view repl) {
  std::string out(word);
  if (HasSuffix(word, orig)) {
    out.resize(word.size() - orig.size());
  }
  return out + std::string(repl);
}

}  // namespace

std::string Pluralize(std::string_view word) {
  const Tables& t = GetTables();
  // flect splits words into parts; a lower-case alphanumeric kind is a single part, upper-cased
  // when it is a known acronym (which makes the suffix rules below see upper case).
  std::string last(word);
  if (t.acronyms.count(Upper(word)) > 0) {
    last = Upper(word);
  }
  if (last.empty()) {
    return "";
  }
  if (auto it = t.single_to_plural.find(word); it != t.single_to_plural.end()) {
    return ReplaceSuffix(word, word, it->second);
  }
  if (t.plurals.count(word) > 0) {
    return std::string(word);
  }
  std::string lower = Lower(last);
  if (t.plurals.count(lower) > 0) {
    return std::string(word);
  }
  if (auto it = t.single_to_plural.find(lower); it != t.single_to_plural.end()) {
    std::string p = it->second;
    if (!last.empty() && std::isupper(static_cast<unsigned char>(last[0])) &&
        last.substr(1) == Lower(last.substr(1))) {
      p[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(p[0])));
    }
    return ReplaceSuffix(word, last, p);
  }
  for (const Rule& r : t.rules) {
    if (HasSuffix(last, r.suffix)) {
      std::string replaced =
          r.keep ? last : last.substr(0, last.size() - r.suffix.size()) + r.replacement;
      return ReplaceSuffix(word, last, replaced);
    }
  }
  if (HasSuffix(lower, "s")) {
    return std::string(word);
  }
  return std::string(word) + "s";
}

}  // namespace kro::schema
