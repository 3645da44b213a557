package terraform

import (
	"encoding/json"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// statement is one statement of an IAM-style policy, reduced to what the
// checks judge.
type statement struct {
	Effect     string
	Actions    []string
	NotAction  bool
	Resources  []string
	Principals []string // "*" for everyone
	Conditions []condition
}

type condition struct {
	Test, Variable string
	Values         []string
}

// parsePolicy reads a policy given as a JSON string; ok is false when the
// text is not a policy.
func parsePolicy(text string) ([]statement, bool) {
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(text), &doc) != nil || len(doc.Statement) == 0 {
		return nil, false
	}
	var raws []map[string]any
	if json.Unmarshal(doc.Statement, &raws) != nil {
		var one map[string]any
		if json.Unmarshal(doc.Statement, &one) != nil {
			return nil, false
		}
		raws = []map[string]any{one}
	}
	out := make([]statement, 0, len(raws))
	for _, r := range raws {
		out = append(out, readStatement(r))
	}
	return out, true
}

func readStatement(r map[string]any) statement {
	s := statement{Effect: str(r["Effect"])}
	if a, ok := r["NotAction"]; ok {
		s.Actions, s.NotAction = strs(a), true
	} else {
		s.Actions = strs(r["Action"])
	}
	s.Resources = strs(r["Resource"])
	switch p := r["Principal"].(type) {
	case string:
		s.Principals = []string{p}
	case map[string]any:
		for _, k := range sortedKeys(p) {
			s.Principals = append(s.Principals, strs(p[k])...)
		}
	}
	if conds, ok := r["Condition"].(map[string]any); ok {
		for _, test := range sortedKeys(conds) {
			vars, _ := conds[test].(map[string]any)
			for _, v := range sortedKeys(vars) {
				s.Conditions = append(s.Conditions, condition{test, v, strs(vars[v])})
			}
		}
	}
	return s
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a string or a list of strings (numbers and booleans as text).
func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case bool:
		if t {
			return []string{"true"}
		}
		return []string{"false"}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}

// policyDocument computes the json attribute of an aws_iam_policy_document
// data source from its statements when they are all known.
func policyDocument(obj cty.Value, attrs map[string]any) (cty.Value, map[string]any) {
	for _, k := range []string{"source_policy_documents", "override_policy_documents",
		"source_json", "override_json"} {
		if attrs[k] != nil {
			return obj, attrs
		}
	}
	list, _ := attrs["statement"].([]any)
	var stmts []map[string]any
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return obj, attrs
		}
		m, ok = fillComputed(m).(map[string]any)
		if !ok || containsUnknown(m) {
			return obj, attrs
		}
		stmts = append(stmts, docStatement(m))
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		return obj, attrs
	}
	m := obj.AsValueMap()
	if m == nil {
		m = map[string]cty.Value{}
	}
	m["json"] = cty.StringVal(string(b))
	attrs["json"] = string(b)
	return cty.ObjectVal(m), attrs
}

func docStatement(m map[string]any) map[string]any {
	out := map[string]any{"Effect": "Allow"}
	if e := str(m["effect"]); e != "" {
		out["Effect"] = e
	}
	keys := map[string]string{"actions": "Action", "not_actions": "NotAction",
		"resources": "Resource", "not_resources": "NotResource", "sid": "Sid"}
	for from, to := range keys {
		if v := m[from]; v != nil {
			out[to] = v
		}
	}
	principals := map[string]any{}
	for _, p := range blockList(m["principals"]) {
		principals[str(p["type"])] = p["identifiers"]
	}
	if len(principals) > 0 {
		if ids := strs(principals["*"]); len(ids) > 0 {
			out["Principal"] = "*"
		} else {
			out["Principal"] = principals
		}
	}
	conds := map[string]map[string]any{}
	for _, c := range blockList(m["condition"]) {
		test := str(c["test"])
		if conds[test] == nil {
			conds[test] = map[string]any{}
		}
		conds[test][str(c["variable"])] = c["values"]
	}
	if len(conds) > 0 {
		out["Condition"] = conds
	}
	return out
}

// computedPlaceholder stands, in a rendered policy document, for a value
// computed from another resource (a bucket's ARN): it can never equal the
// "*" or "false" the checks look for.
const computedPlaceholder = "(known after apply)"

// fillComputed replaces unknown values computed from resources with the
// placeholder; unknowns from variables stay unknown.
func fillComputed(v any) any {
	if _, ok := isUnknown(v); ok {
		if len(unknownFrom(v)) > 0 {
			return computedPlaceholder
		}
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = fillComputed(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = fillComputed(e)
		}
		return out
	}
	return v
}

// blockList reads a nested block list from rendered attributes.
func blockList(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// containsUnknown reports whether a rendered value has an unknown part.
func containsUnknown(v any) bool {
	if _, ok := isUnknown(v); ok {
		return true
	}
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			if containsUnknown(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if containsUnknown(e) {
				return true
			}
		}
	}
	return false
}

// isWildcard reports whether a pattern matches everything in its service
// or everywhere: "*" or "service:*".
func isWildcard(s string) bool {
	return s == "*" || strings.HasSuffix(s, ":*") && !strings.Contains(s[:len(s)-2], "*") &&
		strings.Count(s, ":") == 1
}
