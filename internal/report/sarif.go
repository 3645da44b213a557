package report

import (
	"io"
	"net/url"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// SARIF 2.1.0 (OASIS), the subset code-scanning services read: one run, the
// checks as rules, failing findings as results and undecided findings as
// results of kind "review". Safeguard verdicts ride in the run's properties.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool      `json:"tool"`
	Results    []sarifResult  `json:"results"`
	Properties map[string]any `json:"properties"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	ShortDescription sarifText      `json:"shortDescription"`
	FullDescription  sarifText      `json:"fullDescription"`
	Help             sarifText      `json:"help"`
	Properties       map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	Kind         string             `json:"kind"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   map[string]any     `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
	// URIBaseID is %SRCROOT% for a path relative to where the scan ran,
	// which code-scanning services take as the repository root.
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

func writeSARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: r.Tool.Name, Version: r.Tool.Version,
			InformationURI: "https://github.com/kollguard/kollguard",
			Rules:          []sarifRule{},
		}},
		Results:    []sarifResult{},
		Properties: map[string]any{"safeguards": r.Safeguards, "schema_version": SchemaVersion},
	}
	for _, c := range r.Checks {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: c.ID, ShortDescription: sarifText{c.Title},
			FullDescription: sarifText{c.Rationale}, Help: sarifText{c.Remediation},
			Properties: map[string]any{
				"tags":              append([]string{"security", "hipaa"}, c.Safeguards...),
				"security-severity": securitySeverity[c.Severity],
			},
		})
	}
	for _, f := range r.Findings {
		if res, ok := sarifFinding(f); ok {
			run.Results = append(run.Results, res)
		}
	}
	return WriteJSON(w, sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0", Runs: []sarifRun{run},
	})
}

// securitySeverity maps severities to the 0-10 scale code-scanning services
// use to rank security results.
var securitySeverity = map[check.Severity]string{
	check.Info: "0.0", check.Low: "3.0", check.Medium: "5.5", check.High: "8.0",
	check.Critical: "9.5",
}

func sarifFinding(f check.Finding) (sarifResult, bool) {
	res := sarifResult{
		RuleID: f.Check, Message: sarifText{f.Message},
		Locations: []sarifLocation{{LogicalLocations: []sarifLogical{{
			Name: f.Resource, FullyQualifiedName: f.Target + "/" + f.Resource, Kind: "resource",
		}}}},
		Properties: map[string]any{"target": f.Target, "safeguards": f.Safeguards,
			"evidence": f.Evidence},
	}
	if l := f.Location; l != nil && l.Path != "" {
		p := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: l.Path}}
		if strings.HasPrefix(l.Path, "/") {
			p.ArtifactLocation.URI = (&url.URL{Scheme: "file", Path: l.Path}).String()
		} else {
			p.ArtifactLocation.URIBaseID = "%SRCROOT%"
		}
		if l.Line > 0 {
			p.Region = &sarifRegion{StartLine: l.Line}
		}
		res.Locations[0].PhysicalLocation = p
	}
	switch f.Status {
	case check.Fail:
		res.Kind, res.Level = "fail", sarifLevel(f.Severity)
	case check.Unknown, check.Error:
		res.Kind, res.Level = "review", "none"
	default:
		return res, false
	}
	if f.Waived() {
		res.Suppressions = []sarifSuppression{{Kind: "external",
			Justification: f.Waiver.ID + ": " + f.Waiver.Reason}}
	}
	return res, true
}

func sarifLevel(s check.Severity) string {
	switch s {
	case check.Critical, check.High:
		return "error"
	case check.Medium:
		return "warning"
	}
	return "note"
}
