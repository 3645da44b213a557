package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/kollguard/kollguard/internal/check"
)

// LoadAll loads several config files, such as a kollguard.yaml of targets
// and a decisions.yaml written by `kollguard decisions init`, and merges
// them in order. Every file is validated on its own; across files, a target
// name or waiver ID used twice is an error naming both places. The merged
// config's Path is the first file's.
func LoadAll(paths []string, checks *check.Set) (*Config, error) {
	merged := &Config{Targets: []Target{}, Decisions: []Decision{}, Waivers: []Waiver{}}
	var errs []error
	var read []string
	for _, path := range paths {
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		if slices.Contains(read, abs) {
			continue // the same file given twice is read once
		}
		read = append(read, abs)
		cfg, err := Load(path, checks)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if merged.Path == "" {
			merged.Path = path
		}
		merged.Targets = append(merged.Targets, cfg.Targets...)
		merged.Decisions = append(merged.Decisions, cfg.Decisions...)
		merged.Waivers = append(merged.Waivers, cfg.Waivers...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var dups ErrorList
	dups = append(dups, duplicates(merged.Targets, "target name",
		func(t Target) (string, Pos) { return t.Name, t.Pos })...)
	dups = append(dups, duplicates(merged.Waivers, "waiver ID",
		func(w Waiver) (string, Pos) { return w.ID, w.Pos })...)
	across := &parser{} // no file of its own: it reports conflicts between files
	across.conflicts(merged.Decisions)
	dups = append(dups, across.errs...)
	if len(dups) > 0 {
		return nil, dups
	}
	return merged, nil
}

// duplicates reports every entry whose key an earlier entry in another
// file already uses; within one file Parse reports them.
func duplicates[T any](items []T, what string, key func(T) (string, Pos)) ErrorList {
	var errs ErrorList
	first := map[string]Pos{}
	for _, it := range items {
		k, pos := key(it)
		if prev, ok := first[k]; ok && prev.File != pos.File {
			errs = append(errs, &Error{Pos: pos,
				Msg: fmt.Sprintf("%s %s is already used at %s", what, quote(k), prev)})
			continue
		}
		if _, ok := first[k]; !ok {
			first[k] = pos
		}
	}
	return errs
}
