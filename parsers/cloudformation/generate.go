package cloudformation

//go:generate go tool gencatalog -o sgcatalog_gen.go
