package serverconf

import (
	"fmt"
	"strings"
)

// loadHBA reads a pg_hba.conf and the files its include directives name,
// in the order the server reads them.
func loadHBA(fs *fsys, file string) ([]hbaRule, error) {
	return readHBA(fs, file, 0)
}

func readHBA(fs *fsys, file string, depth int) ([]hbaRule, error) {
	if depth > maxIncludeDepth {
		return nil, fmt.Errorf("%s: includes nested more than %d deep", file, maxIncludeDepth)
	}
	data, err := fs.read(file)
	if err != nil {
		return nil, err
	}
	lines, nums := hbaLines(data)
	var out []hbaRule
	for i, line := range lines {
		fields, err := hbaFields(line)
		if err != nil {
			out = append(out, hbaRule{File: file})
			out[len(out)-1].Line, out[len(out)-1].Error = nums[i], err.Error()
			continue
		}
		if len(fields) == 0 {
			continue
		}
		got, err := hbaInclude(fs, file, nums[i], fields, depth)
		if err != nil {
			return nil, err
		}
		if got != nil {
			out = append(out, got...)
			continue
		}
		out = append(out, hbaRule{HBARule: hbaRecord(fields, nums[i]), File: file})
	}
	return out, nil
}

// hbaInclude follows an include, include_if_exists or include_dir line; it
// returns nil for any other line.
func hbaInclude(fs *fsys, file string, line int, fields []hbaField,
	depth int) ([]hbaRule, error) {
	kind := fields[0].one()
	if kind != "include" && kind != "include_if_exists" && kind != "include_dir" {
		return nil, nil
	}
	if len(fields) != 2 || len(fields[1]) != 1 {
		return nil, fmt.Errorf("%s:%d: %s takes one file name", file, line, kind)
	}
	out := []hbaRule{}
	rel, ok := resolve(dirOf(file), fields[1][0].text)
	if !ok {
		return out, nil
	}
	var files []string
	switch kind {
	case "include_dir":
		for _, f := range fs.glob(rel + "/*.conf") {
			if !strings.HasPrefix(baseOf(f), ".") {
				files = append(files, f)
			}
		}
	case "include_if_exists":
		files = fs.glob(rel)
	default:
		files = []string{rel}
	}
	for _, f := range files {
		got, err := readHBA(fs, f, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}
