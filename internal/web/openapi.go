package web

import (
	"net/http"
	"parcours/internal/parcours"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Schema is a JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) written as
// a Go value. Features register the schemas of their bodies with
// s.schema(name, Schema{...}) and refer to them by name in their Op.
type Schema = map[string]any

// Op documents one API operation for the OpenAPI document. The document is
// built from the registered routes, so an API route cannot be missing from
// it, and tests check real responses against the declared schemas.
type Op struct {
	ID      string // operationId
	Summary string
	Tag     string
	Request string // schema name of the JSON body, "" for none
	// OptionalRequest: the JSON body may be left out (defaults apply).
	OptionalRequest bool
	Upload          bool   // body is multipart/form-data with a "file" part
	Response        string // schema name of the success body, "" for none
	Status          int    // success status; 200 by default
	Query           []Param
	// List marks responses of shape {"items": [Response...], "next_cursor"}.
	List bool
	// Accepted is the schema of a 202 Accepted answer (the work was
	// queued: a background export), "" when there is none.
	Accepted string
}

// Param is a query parameter.
type Param struct {
	Name        string
	Description string
	Type        string // "string", "integer", "boolean"
}

// Schema registers a named Schema for the OpenAPI document.
func (s *Server) Schema(name string, sc Schema) {
	if _, dup := s.schemas[name]; dup {
		panic("web: schema " + name + " registered twice")
	}
	s.schemas[name] = sc
}

// Helpers to write schemas tersely.
func Str() Schema                  { return Schema{"type": "string"} }
func StrFmt(f string) Schema       { return Schema{"type": "string", "format": f} }
func Integer() Schema              { return Schema{"type": "integer"} }
func Boolean() Schema              { return Schema{"type": "boolean"} }
func Ref(name string) Schema       { return Schema{"$ref": "#/components/schemas/" + name} }
func ArrayOf(items Schema) Schema  { return Schema{"type": "array", "items": items} }
func Enum(values ...string) Schema { return Schema{"type": "string", "enum": values} }
func Object(required []string, props Schema) Schema {
	if required == nil {
		required = []string{}
	}
	return Schema{"type": "object", "required": required, "properties": props, "additionalProperties": false}
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\.*\}`)

// OpenAPI returns the OpenAPI 3.1 document of the API.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.Routes() {
		if rt.Op == nil {
			continue
		}
		op := rt.Op
		status := op.Status
		if status == 0 {
			status = http.StatusOK
		}
		o := map[string]any{
			"operationId": op.ID,
			"summary":     op.Summary,
			"tags":        []string{op.Tag},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": Str()})
		}
		for _, q := range op.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": Schema{"type": q.Type}})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Request != "" {
			o["requestBody"] = map[string]any{"required": !op.OptionalRequest, "content": map[string]any{"application/json": map[string]any{"schema": Ref(op.Request)}}}
		}
		if op.Upload {
			// An upload may also take a JSON twin (Request), e.g. naming a
			// document already stored instead of sending one.
			content := map[string]any{"multipart/form-data": map[string]any{
				"schema": Object([]string{"file"}, Schema{"file": Schema{"type": "string", "contentMediaType": "application/octet-stream"}})}}
			if op.Request != "" {
				content["application/json"] = map[string]any{"schema": Ref(op.Request)}
			}
			o["requestBody"] = map[string]any{"required": true, "content": content}
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if op.Response != "" {
			body := Ref(op.Response)
			if op.List {
				body = Object([]string{"items", "next_cursor"}, Schema{"items": ArrayOf(Ref(op.Response)), "next_cursor": Str()})
			}
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": body}}
		}
		errResp := map[string]any{"$ref": "#/components/responses/Error"}
		responses := map[string]any{strconv.Itoa(status): ok, "default": errResp}
		if op.Accepted != "" {
			responses["202"] = map[string]any{"description": http.StatusText(http.StatusAccepted),
				"content": map[string]any{"application/json": map[string]any{"schema": Ref(op.Accepted)}}}
		}
		o["responses"] = responses
		if rt.Access != Public {
			o["security"] = []any{map[string]any{"bearer": []string{}}}
		} else {
			o["security"] = []any{}
		}
		p, _ := paths[rt.Pattern].(map[string]any)
		if p == nil {
			p = map[string]any{}
			paths[rt.Pattern] = p
		}
		p[strings.ToLower(rt.Method)] = o
	}
	schemas := map[string]any{
		"Error": Object([]string{"error"}, Schema{"error": Schema{
			"type": "object", "required": []string{"code", "message"},
			"properties": Schema{
				"code": Str(), "message": Str(), "field": Str(),
				"fields":  ArrayOf(Object([]string{"field", "message"}, Schema{"field": Str(), "message": Str()})),
				"details": Schema{},
			},
		}}),
	}
	names := make([]string, 0, len(s.schemas))
	for n := range s.schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		schemas[n] = s.schemas[n]
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Parcours API",
			"version":     "1",
			"description": "Dossier social partagé — JSON API. Authenticate with `Authorization: Bearer <token>` (see `parcours admin create-token`). Lists are paginated with opaque cursors; errors are {\"error\": {\"code\", \"message\"}} with messages in the caller's language (Accept-Language, French by default).",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"responses": map[string]any{"Error": map[string]any{
				"description": "Error",
				"content":     map[string]any{"application/json": map[string]any{"schema": Ref("Error")}},
			}},
		},
	}
}

var PageParams = []Param{
	{Name: "cursor", Type: "string", Description: "next_cursor of the previous page"},
	{Name: "limit", Type: "integer", Description: "page size, 1–200 (50 by default)"},
}

// PageArgs reads the cursor and limit of a list request.
func PageArgs(r *http.Request) (string, int, error) { return PageArgsOf(r, "") }

// PageArgsOf reads the cursor and limit of a list inside a view, named
// prefix+"cursor" and prefix+"limit" (mail_cursor, mail_limit).
func PageArgsOf(r *http.Request, prefix string) (string, int, error) {
	q := r.URL.Query()
	limit := 0
	if v := q.Get(prefix + "limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return "", 0, parcours.FieldError(parcours.EBadRequest, prefix+"limit", "error.invalid_limit")
		}
		limit = n
	}
	return q.Get(prefix + "cursor"), limit, nil
}
