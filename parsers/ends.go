package parsers

import (
	"reflect"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
)

var locationType = reflect.TypeFor[graph.Location]()

// fillEnds gives every location of a JSON file's document the end position
// the node tree could not (mappings, sequences, strings with escapes; see
// yamltree.Ends). It walks the document by reflection so that a location
// field added to the model later is filled too.
func fillEnds(doc *graph.Document, ends yamltree.Ends) {
	if len(ends) == 0 {
		return
	}
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Struct:
			if v.Type() == locationType {
				if v.CanAddr() {
					ends.Fill(v.Addr().Interface().(*graph.Location))
				}
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(doc))
}
