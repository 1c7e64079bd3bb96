package httpadapter_test

import (
	"fmt"
	"testing"
)

func TestZZProbe(t *testing.T) {
	f := newFixture(t)
	p := func(label string, r response) { fmt.Printf("%-40s %d %s\n", label, r.Code, r.Body) }
	app := f.do("POST", "/api/application", `{"application":{"name":"Web","roles":[{"name":"admin"},{"name":"user","isDefault":true}]}}`)
	id := str(app.obj(t, "application"), "id")
	p("name nul", f.do("DELETE", "/api/application/"+id+"/role?name=%00", ""))
	p("name ff", f.do("DELETE", "/api/application/"+id+"/role?name=%ff", ""))
	p("name twice", f.do("DELETE", "/api/application/"+id+"/role?name=admin&name=user", ""))
	p("get", f.do("GET", "/api/application/"+id, ""))
}
