package cloudformation

// gencatalog lives in the tools module (tools/go.mod), outside this module.
//go:generate go -C ../../tools tool gencatalog -o ../parsers/cloudformation/sgcatalog_gen.go
