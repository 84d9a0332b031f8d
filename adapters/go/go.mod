module rsm-conformance/adapters/go

go 1.22
