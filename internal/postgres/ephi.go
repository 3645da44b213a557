package postgres

import (
	"strings"
)

// ePHI discovery works from the catalog only: table and column names, their
// comments and security labels. It never reads pg_stats or rows, whose
// sampled values are ePHI themselves. Names are cut into words (snake_case,
// camelCase, digits kept with their letters: icd10) and runs of up to three
// words are joined (date_of_birth -> dateofbirth) before matching the
// HIPAA identifier kinds of 45 CFR 164.514(b)(2)(i) and clinical words.

// ephiWord is what a word of a name says about the column.
type ephiWord struct {
	kind string
	// strong words mark a column anywhere; weak words (name, city) only in
	// a table about people or care.
	strong bool
}

func strong(kind string, words ...string) map[string]ephiWord { return vocab(kind, true, words) }
func weak(kind string, words ...string) map[string]ephiWord   { return vocab(kind, false, words) }

func vocab(kind string, isStrong bool, words []string) map[string]ephiWord {
	m := make(map[string]ephiWord, len(words))
	for _, w := range words {
		m[w] = ephiWord{kind: kind, strong: isStrong}
	}
	return m
}

// ephiVocabulary maps joined words to what they identify.
var ephiVocabulary = merge(
	strong("name", "firstname", "lastname", "fullname", "surname", "givenname",
		"familyname", "middlename", "maidenname", "patientname", "legalname"),
	weak("name", "name", "forename", "nickname"),
	strong("address", "streetaddress", "homeaddress", "mailingaddress", "addressline",
		"addressline1", "addressline2", "zipcode", "postalcode", "postcode"),
	weak("address", "address", "street", "city", "zip", "county", "postal"),
	strong("date of birth", "dob", "dateofbirth", "birthdate", "birthday", "birthdt",
		"birth"),
	strong("date of service", "dateofservice", "servicedate", "admitdate", "admissiondate",
		"admitted", "dischargedate", "discharged", "deathdate", "dateofdeath", "deceased"),
	weak("date of service", "admission", "discharge", "death"),
	strong("phone", "phone", "phonenumber", "telephone", "mobile", "cellphone", "fax",
		"faxnumber"),
	strong("email", "email", "emailaddress", "mail"),
	strong("ssn", "ssn", "socialsecurity", "socialsecuritynumber", "sin", "nationalid"),
	strong("medical record number", "mrn", "medicalrecord", "medicalrecordnumber",
		"chartnumber"),
	strong("health plan number", "healthplan", "insuranceid", "insurancenumber",
		"policynumber", "memberid", "membernumber", "subscriberid", "beneficiary",
		"beneficiaryid", "medicare", "medicaid", "payerid"),
	strong("account number", "accountnumber", "accountno", "acctnum", "acctno", "iban",
		"bankaccount", "cardnumber", "creditcard"),
	strong("license number", "licensenumber", "driverslicense", "licenseno", "passport",
		"passportnumber"),
	strong("vehicle identifier", "vin", "licenseplate", "plate"),
	strong("device identifier", "deviceid", "deviceserial", "udi", "imei", "serialnumber"),
	weak("device identifier", "device", "serial"),
	weak("url", "url", "website", "homepage"),
	strong("ip address", "ipaddress", "ipaddr", "clientip", "remoteip"),
	weak("ip address", "ip"),
	strong("biometric", "biometric", "fingerprint", "retina", "iris", "voiceprint",
		"faceprint", "facetemplate"),
	strong("photo", "photo", "photograph", "headshot", "portrait", "selfie", "faceimage"),
	weak("photo", "image", "picture", "avatar"),
	strong("clinical", "diagnosis", "diagnoses", "dx", "icd", "icd9", "icd10", "icd10cm",
		"icdcode", "medication", "meds", "prescription", "rx", "allergy", "encounter",
		"claim", "symptom", "treatment", "procedure", "cpt", "labresult", "vital", "vitals",
		"condition", "immunization", "vaccination", "clinical", "phi",
		"ephi"),
	weak("clinical", "note", "notes", "visit", "result"),
)

func merge(ms ...map[string]ephiWord) map[string]ephiWord {
	out := map[string]ephiWord{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// personWords mark a table as being about people or care, where weak
// words count.
var personWords = map[string]bool{
	"patient": true, "person": true, "people": true, "member": true, "client": true,
	"resident": true, "subscriber": true, "beneficiary": true, "enrollee": true,
	"guarantor": true, "contact": true, "guardian": true, "kin": true, "nextofkin": true,
	"demographic": true, "demographics": true, "provider": true, "physician": true,
}

// ephiTokens splits a name into lower-case words at non-alphanumerics and
// camelCase boundaries; digits stay with the letters before them (icd10).
func ephiTokens(name string) []string { return words(name, true) }

// singular strips a plural ending so that table names match: allergies,
// claims, diagnoses stay matchable.
func singular(w string) string {
	switch {
	case w == "diagnoses" || w == "vitals" || w == "notes" || w == "meds":
		return w
	case strings.HasSuffix(w, "is") || strings.HasSuffix(w, "us"):
		return w // diagnosis, status
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ses") || strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// matchName returns the strongest vocabulary match of a name: runs of up to
// three words, joined, are tried longest first; "" kind when none matches.
func matchName(name string) (ephiWord, string) {
	toks := ephiTokens(name)
	for i := range toks {
		toks[i] = singular(toks[i])
	}
	var best ephiWord
	var bestWord string
	for n := min(3, len(toks)); n >= 1; n-- {
		for i := 0; i+n <= len(toks); i++ {
			w := strings.Join(toks[i:i+n], "")
			if m, ok := ephiVocabulary[w]; ok && (best.kind == "" || m.strong && !best.strong) {
				best, bestWord = m, w
			}
		}
	}
	return best, bestWord
}

// isPersonTable reports whether a table name is about people or care.
func isPersonTable(name string) bool {
	for _, t := range ephiTokens(name) {
		if personWords[singular(t)] || personWords[t] {
			return true
		}
		if m, ok := ephiVocabulary[singular(t)]; ok && m.kind == "clinical" && m.strong {
			return true
		}
	}
	return false
}

// textMentionsEPHI reports whether free text (a comment) names ePHI: the
// words PHI, ePHI, HIPAA, "protected health" or a strong vocabulary word.
func textMentionsEPHI(text string) (string, bool) {
	low := strings.ToLower(text)
	if strings.Contains(low, "protected health") {
		return "protected health", true
	}
	for _, t := range ephiTokens(text) {
		if t == "hipaa" || t == "phi" || t == "ephi" {
			return t, true
		}
	}
	if m, w := matchName(text); m.strong {
		return w, true
	}
	return "", false
}

// BUG(kollguard): discovery is by English names and comments only: columns
// named in other languages, abbreviations outside the vocabulary, and ePHI
// kept in JSON or free-text columns with neutral names are missed; list
// them under ephi.include. Weak words (name, city, notes) count only in
// tables named after people or care, or that hold a strong column.
