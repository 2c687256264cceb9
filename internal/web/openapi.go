package web

import (
	"net/http"
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
	ID       string // operationId
	Summary  string
	Tag      string
	Request  string // schema name of the JSON body, "" for none
	Upload   bool   // body is multipart/form-data with a "file" part
	Response string // schema name of the success body, "" for none
	Status   int    // success status; 200 by default
	Query    []Param
	// List marks responses of shape {"items": [Response...], "next_cursor"}.
	List bool
}

// Param is a query parameter.
type Param struct {
	Name        string
	Description string
	Type        string // "string", "integer", "boolean"
}

// schema registers a named schema for the OpenAPI document.
func (s *Server) schema(name string, sc Schema) {
	if _, dup := s.schemas[name]; dup {
		panic("web: schema " + name + " registered twice")
	}
	s.schemas[name] = sc
}

// Helpers to write schemas tersely.
func str() Schema                  { return Schema{"type": "string"} }
func strFmt(f string) Schema       { return Schema{"type": "string", "format": f} }
func integer() Schema              { return Schema{"type": "integer"} }
func boolean() Schema              { return Schema{"type": "boolean"} }
func ref(name string) Schema       { return Schema{"$ref": "#/components/schemas/" + name} }
func arrayOf(items Schema) Schema  { return Schema{"type": "array", "items": items} }
func enum(values ...string) Schema { return Schema{"type": "string", "enum": values} }
func object(required []string, props Schema) Schema {
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
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": str()})
		}
		for _, q := range op.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": Schema{"type": q.Type}})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Request != "" {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.Request)}}}
		}
		if op.Upload {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
				"schema": object([]string{"file"}, Schema{"file": Schema{"type": "string", "contentMediaType": "application/octet-stream"}})}}}
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if op.Response != "" {
			body := ref(op.Response)
			if op.List {
				body = object([]string{"items", "next_cursor"}, Schema{"items": arrayOf(ref(op.Response)), "next_cursor": str()})
			}
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": body}}
		}
		errResp := map[string]any{"$ref": "#/components/responses/Error"}
		o["responses"] = map[string]any{strconv.Itoa(status): ok, "default": errResp}
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
		"Error": object([]string{"error"}, Schema{"error": Schema{
			"type": "object", "required": []string{"code", "message"},
			"properties": Schema{
				"code": str(), "message": str(), "field": str(),
				"fields":  arrayOf(object([]string{"field", "message"}, Schema{"field": str(), "message": str()})),
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
				"content":     map[string]any{"application/json": map[string]any{"schema": ref("Error")}},
			}},
		},
	}
}
