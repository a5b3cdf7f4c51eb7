# engine/lang/vm.mk: see lang.mk.
