console.log('cli: todo');
