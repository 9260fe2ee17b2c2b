module example.com/go-coexist

go 1.22
