package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/person"
	"parcours/internal/web"
)

// The OpenAPI document is built from the registered routes; these tests
// check that it is well formed and, above all, that it tells the truth:
// real responses of every API route validate against the schemas it
// declares.

func openAPIDoc(t *testing.T, e *apptest.Env) map[string]any {
	t.Helper()
	resp := e.Do("GET", "/api/openapi.json", "", nil)
	if resp.Status != 200 {
		t.Fatalf("GET /api/openapi.json: %d", resp.Status)
	}
	var doc map[string]any
	resp.Decode(t, &doc)
	return doc
}

func TestOpenAPI_DocumentIsWellFormed(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, testDocumentIsWellFormed)
}

func testDocumentIsWellFormed(t *testing.T, e *apptest.Env) {
	doc := openAPIDoc(t, e)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Errorf("info lacks title or version: %v", info)
	}
	paths, _ := doc["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("no paths")
	}

	// Every $ref points at something that exists.
	walk(doc, "#", func(where string, node map[string]any) {
		ref, ok := node["$ref"].(string)
		if !ok {
			return
		}
		if _, err := resolvePointer(doc, ref); err != nil {
			t.Errorf("%s: $ref %q: %v", where, ref, err)
		}
	})

	// Every API route is there with its operationId, ids are unique, and
	// each operation declares a success and an error response.
	ids := map[string]string{}
	for _, rt := range e.App.Web.Routes() {
		key := rt.Method + " " + rt.Pattern
		if strings.HasPrefix(rt.Pattern, "/api/v1/") && rt.Op == nil {
			t.Errorf("%s: API route without an Op, so missing from the document", key)
		}
		if rt.Op == nil {
			continue
		}
		op := operation(doc, rt)
		if op == nil {
			t.Errorf("%s: missing from paths", key)
			continue
		}
		if op["operationId"] != rt.Op.ID || rt.Op.ID == "" {
			t.Errorf("%s: operationId %v, want %q", key, op["operationId"], rt.Op.ID)
		}
		if prev, dup := ids[rt.Op.ID]; dup {
			t.Errorf("operationId %q used by %s and %s", rt.Op.ID, prev, key)
		}
		ids[rt.Op.ID] = key
		responses, _ := op["responses"].(map[string]any)
		if responses[strconv.Itoa(successStatus(rt))] == nil || responses["default"] == nil {
			t.Errorf("%s: responses %v lack the success status or default", key, responses)
		}
		for _, m := range regexp.MustCompile(`\{([a-zA-Z_]+)\}`).FindAllStringSubmatch(rt.Pattern, -1) {
			if !hasParam(op, m[1], "path") {
				t.Errorf("%s: path parameter %s not declared", key, m[1])
			}
		}
		if rt.Op.Request != "" {
			if _, err := resolvePointer(doc, "#/components/schemas/"+rt.Op.Request); err != nil {
				t.Errorf("%s: request schema: %v", key, err)
			}
		}
	}
	// And nothing is documented that is not served.
	served := map[string]bool{}
	for _, rt := range e.App.Web.Routes() {
		served[strings.ToLower(rt.Method)+" "+rt.Pattern] = true
	}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if !served[m+" "+p] {
				t.Errorf("documented %s %s is not a route", m, p)
			}
		}
	}
}

// TestOpenAPI_ResponsesMatchTheirSchemas calls every API route of the
// authorisation matrix as a cast member who may use it, and checks the
// response against the declared schema; then as one who may not, against
// the Error schema. New routes are covered as soon as they have matrix
// rows.
func TestOpenAPI_ResponsesMatchTheirSchemas(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		doc := openAPIDoc(t, e)
		rows := map[string]matrixRow{}
		for _, r := range matrixRows {
			rows[r.Route] = r
		}
		routes := e.App.Web.Routes()
		// Reads first, so that the fixture is as created when they run.
		sort.SliceStable(routes, func(i, j int) bool { return routes[i].Method == "GET" && routes[j].Method != "GET" })
		checked := 0
		for _, rt := range routes {
			if rt.Op == nil {
				continue
			}
			key := rt.Method + " " + rt.Pattern
			row, ok := rows[key]
			if !ok {
				continue // TestRouteMatrix reports it
			}
			op := operation(doc, rt)
			if op == nil {
				continue // TestOpenAPI_DocumentIsWellFormed reports it
			}
			want := successStatus(rt)
			ok = false
			for _, who := range apptest.Cast {
				if row.Want[who] != want {
					continue
				}
				var body any
				if row.Body != nil {
					body = row.Body(f, who)
				}
				checkRequest(t, doc, op, key+" as "+who, body)
				resp := e.Do(rt.Method, row.Path(f), who, body)
				if resp.Status != want {
					t.Errorf("%s as %s: status %d, want %d: %s", key, who, resp.Status, want, truncate(resp.Body))
				}
				checkAgainst(t, doc, op, strconv.Itoa(want), key+" as "+who, resp)
				ok = true
				checked++
				break
			}
			if !ok {
				// The matrix request of this route never succeeds (it
				// needs a state the fixture lacks); its feature's own
				// tests should check its success body.
				t.Logf("%s: no cast member succeeds with %d in the matrix; success body not checked here", key, want)
			}
			for _, who := range apptest.Cast {
				if st := row.Want[who]; st >= 400 {
					var body any
					if row.Body != nil {
						body = row.Body(f, who)
					}
					resp := e.Do(rt.Method, row.Path(f), who, body)
					checkAgainst(t, doc, op, "default", key+" as "+who, resp)
					break
				}
			}
		}
		if checked == 0 {
			t.Fatal("no API response checked")
		}
	})
}

// checkRequest validates a request body the matrix sends successfully
// against the operation's declared request schema, so that an input field
// the handler accepts cannot be missing from the document.
func checkRequest(t *testing.T, doc, op map[string]any, what string, body any) {
	t.Helper()
	if body == nil {
		return
	}
	if _, raw := body.(string); raw {
		return
	}
	rb, _ := op["requestBody"].(map[string]any)
	content, _ := rb["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	if media == nil {
		if content["multipart/form-data"] != nil {
			// An upload may also take its JSON twin, which Op cannot
			// describe yet.
			t.Logf("%s: JSON body sent to an upload declared as multipart only", what)
			return
		}
		t.Errorf("%s: sends a JSON body but the operation declares none", what)
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(b, &v)
	for _, problem := range validate(doc, media["schema"], v, "request") {
		t.Errorf("%s: %s", what, problem)
	}
}

// checkAgainst validates a response body against the schema of op's
// response named status.
func checkAgainst(t *testing.T, doc, op map[string]any, status, what string, resp *apptest.Response) {
	t.Helper()
	responses, _ := op["responses"].(map[string]any)
	r, _ := responses[status].(map[string]any)
	if ref, ok := r["$ref"].(string); ok {
		v, err := resolvePointer(doc, ref)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		r, _ = v.(map[string]any)
	}
	content, _ := r["content"].(map[string]any)
	if content == nil {
		// Files (CSV, PDF) are not described by a schema; an undeclared
		// JSON body would be an API the document hides.
		if len(resp.Body) != 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: response %s has a JSON body but declares none", what, status)
		}
		return
	}
	media, _ := content["application/json"].(map[string]any)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	var v any
	if err := json.Unmarshal(resp.Body, &v); err != nil {
		t.Errorf("%s: body is not JSON: %v", what, err)
		return
	}
	for _, problem := range validate(doc, media["schema"], v, "$") {
		t.Errorf("%s: %s", what, problem)
	}
}

func operation(doc map[string]any, rt web.Route) map[string]any {
	paths, _ := doc["paths"].(map[string]any)
	item, _ := paths[rt.Pattern].(map[string]any)
	op, _ := item[strings.ToLower(rt.Method)].(map[string]any)
	return op
}

func successStatus(rt web.Route) int {
	if rt.Op.Status != 0 {
		return rt.Op.Status
	}
	return http.StatusOK
}

func hasParam(op map[string]any, name, in string) bool {
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		m, _ := p.(map[string]any)
		if m["name"] == name && m["in"] == in {
			return true
		}
	}
	return false
}

// walk calls fn on every object of the document.
func walk(v any, where string, fn func(string, map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(where, x)
		for k, c := range x {
			walk(c, where+"/"+k, fn)
		}
	case []any:
		for i, c := range x {
			walk(c, where+"/"+strconv.Itoa(i), fn)
		}
	}
}

// resolvePointer follows a local JSON pointer ("#/components/schemas/X").
func resolvePointer(doc map[string]any, ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("not a local reference")
	}
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(rest, "/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q is not an object", part)
		}
		if cur, ok = m[part]; !ok {
			return nil, fmt.Errorf("no %q", part)
		}
	}
	return cur, nil
}

// validate checks v against a JSON Schema, for the subset the document
// uses: $ref, type (one or several), properties, required,
// additionalProperties false, items, enum, anyOf and the formats date and
// date-time. It returns one line per problem, with the JSON path.
func validate(doc map[string]any, schema any, v any, path string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		if b, isBool := schema.(bool); isBool {
			if !b {
				return []string{path + ": no value allowed"}
			}
			return nil
		}
		return []string{fmt.Sprintf("%s: schema is not an object: %v", path, schema)}
	}
	if ref, ok := s["$ref"].(string); ok {
		target, err := resolvePointer(doc, ref)
		if err != nil {
			return []string{fmt.Sprintf("%s: $ref %s: %v", path, ref, err)}
		}
		return validate(doc, target, v, path)
	}
	var out []string
	if alts, ok := s["anyOf"].([]any); ok {
		matched := false
		for _, alt := range alts {
			if len(validate(doc, alt, v, path)) == 0 {
				matched = true
				break
			}
		}
		if !matched {
			out = append(out, fmt.Sprintf("%s: %s matches none of anyOf", path, short(v)))
		}
	}
	if typ, ok := s["type"]; ok {
		var types []string
		switch tt := typ.(type) {
		case string:
			types = []string{tt}
		case []any:
			for _, x := range tt {
				types = append(types, fmt.Sprint(x))
			}
		}
		if !slices.ContainsFunc(types, func(want string) bool { return hasType(v, want) }) {
			return append(out, fmt.Sprintf("%s: %s is not of type %v", path, short(v), types))
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		out = append(out, fmt.Sprintf("%s: %s is not one of %v", path, short(v), enum))
	}
	if f, ok := s["format"].(string); ok {
		if str, isStr := v.(string); isStr {
			layout := map[string]string{"date": time.DateOnly, "date-time": time.RFC3339Nano}[f]
			if layout != "" {
				if _, err := time.Parse(layout, str); err != nil {
					out = append(out, fmt.Sprintf("%s: %q is not a %s", path, str, f))
				}
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, name := range req {
				if _, ok := x[fmt.Sprint(name)]; !ok {
					out = append(out, fmt.Sprintf("%s: required property %q missing", path, name))
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k]; ok {
				out = append(out, validate(doc, ps, x[k], path+"."+k)...)
			} else if ap, ok := s["additionalProperties"]; ok {
				if ap == false {
					out = append(out, fmt.Sprintf("%s: property %q is not declared", path, k))
				} else if apSchema, ok := ap.(map[string]any); ok {
					out = append(out, validate(doc, apSchema, x[k], path+"."+k)...)
				}
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, item := range x {
				out = append(out, validate(doc, items, item, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return out
}

func hasType(v any, want string) bool {
	switch want {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == float64(int64(n))
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// The validator itself must catch what it claims to, or the tests above
// prove nothing.
func TestOpenAPI_ValidatorCatchesMismatches(t *testing.T) {
	t.Parallel()
	doc := map[string]any{"components": map[string]any{"schemas": map[string]any{
		"Thing": map[string]any{
			"type": "object", "required": []any{"id", "when"}, "additionalProperties": false,
			"properties": map[string]any{
				"id":    map[string]any{"type": "string"},
				"when":  map[string]any{"type": "string", "format": "date"},
				"at":    map[string]any{"type": "string", "format": "date-time"},
				"kind":  map[string]any{"type": "string", "enum": []any{"a", "b"}},
				"n":     map[string]any{"type": "integer"},
				"tags":  map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"maybe": map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "null"}}},
			},
		},
	}}}
	ref := map[string]any{"$ref": "#/components/schemas/Thing"}
	good := `{"id":"x","when":"2024-02-29","at":"2024-02-29T10:00:00.5Z","kind":"a","n":3,"tags":["t"],"maybe":null}`
	var v any
	json.Unmarshal([]byte(good), &v)
	if p := validate(doc, ref, v, "$"); len(p) != 0 {
		t.Fatalf("valid value refused: %v", p)
	}
	bad := map[string]string{
		"missing required":  `{"id":"x"}`,
		"extra property":    `{"id":"x","when":"2024-01-01","nir":"1"}`,
		"wrong type":        `{"id":1,"when":"2024-01-01"}`,
		"bad date":          `{"id":"x","when":"2024-02-30"}`,
		"bad date-time":     `{"id":"x","when":"2024-01-01","at":"yesterday"}`,
		"not in enum":       `{"id":"x","when":"2024-01-01","kind":"c"}`,
		"not an integer":    `{"id":"x","when":"2024-01-01","n":1.5}`,
		"bad array item":    `{"id":"x","when":"2024-01-01","tags":[1]}`,
		"matches no anyOf":  `{"id":"x","when":"2024-01-01","maybe":3}`,
		"not even object":   `[]`,
		"unresolvable $ref": `{}`,
	}
	for name, body := range bad {
		var v any
		json.Unmarshal([]byte(body), &v)
		schema := any(ref)
		if name == "unresolvable $ref" {
			schema = map[string]any{"$ref": "#/components/schemas/Nothing"}
		}
		if p := validate(doc, schema, v, "$"); len(p) == 0 {
			t.Errorf("%s: %s accepted", name, body)
		}
	}
}

// TestOpenAPI_InputSchemasDeclareEveryField ties the request schemas of
// persons and households to the Go types the handlers decode into: a field
// added to an input must be documented, and a documented field must be
// accepted (bodies are decoded with unknown fields refused).
func TestOpenAPI_InputSchemasDeclareEveryField(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		doc := openAPIDoc(t, e)
		for name, typ := range map[string]reflect.Type{
			"PersonInput":    reflect.TypeFor[person.Input](),
			"HouseholdInput": reflect.TypeFor[person.HouseholdInput](),
			"SituationInput": reflect.TypeFor[person.SituationInput](),
			"MemberInput":    reflect.TypeFor[person.MemberInput](),
		} {
			sc, err := resolvePointer(doc, "#/components/schemas/"+name)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			props, _ := sc.(map[string]any)["properties"].(map[string]any)
			fields := map[string]bool{}
			for f := range typ.Fields() {
				tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if tag == "" || tag == "-" {
					continue
				}
				fields[tag] = true
				if _, ok := props[tag]; !ok {
					t.Errorf("%s: field %q accepted by the handler but not documented", name, tag)
				}
			}
			for p := range props {
				if !fields[p] {
					t.Errorf("%s: documented field %q is refused by the handler", name, p)
				}
			}
		}
	})
}
